using Microsoft.ML;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Pipeline.Tests;

public sealed class EmbeddingParityTests(TinyModels models)
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(32)]
    public void BertMeanEmbeddingsEqualDirectSessionPerText(int batchSize)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var pipeline = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab)
            .Append(ml.Transforms.ApplyTransformer(models.Bert, batchSize: batchSize));

        var embeddings = pipeline.Fit(data).Transform(data).GetColumn<float[]>("Embedding").ToArray();

        using var reference = new DirectReference(models.Bert, TransformerTokenizer.CreateBert(TinyModels.BertVocab, maxTokens: 128));
        Assert.Equal(Texts.Labelled.Length, embeddings.Length);
        for (var i = 0; i < embeddings.Length; i++)
        {
            Assert.Equal(64, embeddings[i].Length);
            DirectReference.AssertClose(reference.MeanPooled(Texts.Labelled[i].Text), embeddings[i], Tolerance);
        }
    }

    [Fact]
    public void BertClsPoolingTakesTheFirstToken()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var pipeline = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab)
            .Append(ml.Transforms.ApplyTransformer(models.Bert, pooling: Pooling.Cls, batchSize: 8));

        var embeddings = pipeline.Fit(data).Transform(data).GetColumn<float[]>("Embedding").ToArray();

        using var reference = new DirectReference(models.Bert, TransformerTokenizer.CreateBert(TinyModels.BertVocab, maxTokens: 128));
        for (var i = 0; i < embeddings.Length; i++)
        {
            DirectReference.AssertClose(reference.TokenState(Texts.Labelled[i].Text, "last_hidden_state", _ => 0), embeddings[i], Tolerance);
        }
    }

    [Fact]
    public void Gpt2LastTokenPoolingSkipsPadding()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var pipeline = ml.Transforms.Text.TokenizeForGpt2(nameof(TextRow.Text))
            .Append(ml.Transforms.ApplyTransformer(models.Gpt2, pooling: Pooling.LastToken, batchSize: 7));

        var embeddings = pipeline.Fit(data).Transform(data).GetColumn<float[]>("Embedding").ToArray();

        using var reference = new DirectReference(models.Gpt2, TransformerTokenizer.CreateGpt2(maxTokens: 128));
        for (var i = 0; i < embeddings.Length; i++)
        {
            DirectReference.AssertClose(
                reference.TokenState(Texts.Labelled[i].Text, "last_hidden_state", tokens => tokens - 1), embeddings[i], Tolerance);
        }
    }
}
