using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Models.Catalog;
using MlNetGraviton.Pipeline;
using MlNetGraviton.Pipeline.Apply;
using MlNetGraviton.Runtime;

namespace MlNetGraviton.Cli.RealModels;

/// <summary>
/// The ML.NET pipeline that reproduces sentence-transformers for a catalog model: its tokenizer and maximum length,
/// then the graph, pooling and L2 normalisation the catalog states. It is the two public estimators with the entry's settings.
/// </summary>
public static class SentenceEmbeddingPipeline
{
    public static EstimatorChain<ApplyTransformerTransformer> Create(
        MLContext ml, PretrainedModel model, PretrainedModelFiles files, string textColumn,
        string outputColumn = "Embedding", InferenceOptions? options = null, int batchSize = 32, int? maxTokens = null)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(files);
        return ml.Transforms.Text.TokenizeForBert(textColumn, files.VocabFile, maxTokens ?? model.MaxTokens, model.LowerCase)
            .Append(ml.Transforms.ApplyTransformer(files.ModelFile, outputColumn, PoolingOf(model), options: options,
                batchSize: batchSize, normalize: model.Normalize));
    }

    /// <summary>The pipeline's pooling for the catalog's.</summary>
    public static Pooling PoolingOf(PretrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Pooling switch
        {
            EmbeddingPooling.Mean => Pooling.Mean,
            EmbeddingPooling.Cls => Pooling.Cls,
            _ => throw new ArgumentOutOfRangeException(nameof(model), model.Pooling, "unknown pooling"),
        };
    }
}
