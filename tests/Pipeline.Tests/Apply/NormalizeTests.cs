using Microsoft.ML;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Pipeline.Tests.Apply;

/// <summary><c>normalize: true</c> scales the pooled vector to unit L2 norm and changes nothing else.</summary>
public sealed class NormalizeTests(TinyModels models)
{
    [Theory]
    [InlineData(Pooling.Mean)]
    [InlineData(Pooling.Cls)]
    public void NormalizedEqualsThePooledReferenceOverItsNorm(Pooling pooling)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var pipeline = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab)
            .Append(ml.Transforms.ApplyTransformer(models.Bert, pooling: pooling, batchSize: 5, normalize: true));

        var transformer = pipeline.Fit(data);
        var embeddings = transformer.Transform(data).GetColumn<float[]>("Embedding").ToArray();

        Assert.True(transformer.LastTransformer.Normalize);
        using var reference = new DirectReference(models.Bert, TransformerTokenizer.CreateBert(TinyModels.BertVocab, maxTokens: 128));
        for (var i = 0; i < embeddings.Length; i++)
        {
            var pooled = pooling == Pooling.Mean
                ? reference.MeanPooled(Texts.Labelled[i].Text)
                : reference.TokenState(Texts.Labelled[i].Text, "last_hidden_state", _ => 0);
            var norm = Math.Sqrt(pooled.Sum(v => (double)v * v));
            Assert.True(norm > 1e-3, "the reference vector must not be near zero for this check");
            DirectReference.AssertClose(pooled.Select(v => (float)(v / norm)).ToArray(), embeddings[i], 1e-4);
            Assert.Equal(1.0, Math.Sqrt(embeddings[i].Sum(v => (double)v * v)), 5);
        }
    }

    [Fact]
    public void DefaultIsNotNormalized()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Labelled);
        var transformer = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), TinyModels.BertVocab)
            .Append(ml.Transforms.ApplyTransformer(models.Bert)).Fit(data);

        Assert.False(transformer.LastTransformer.Normalize);
        var norms = transformer.Transform(data).GetColumn<float[]>("Embedding").Select(e => Math.Sqrt(e.Sum(v => (double)v * v)));
        Assert.Contains(norms, n => Math.Abs(n - 1) > 1e-3);
    }
}
