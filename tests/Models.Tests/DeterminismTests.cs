using Google.Protobuf;
using MlNetGraviton.Models.Tests.Reference;
using MlNetGraviton.Models.Weights;

namespace MlNetGraviton.Models.Tests;

public sealed class DeterminismTests
{
    [Theory]
    [InlineData(TransformerArchitecture.Bert)]
    [InlineData(TransformerArchitecture.Roberta)]
    [InlineData(TransformerArchitecture.Gpt2)]
    public void SameSeedGivesIdenticalBytesAndOtherSeedsDiffer(TransformerArchitecture arch)
    {
        var config = TransformerConfig.Create(arch, ModelSize.Tiny);
        byte[] first = TransformerModelBuilder.Build(config, seed: 5).ToByteArray();
        byte[] second = TransformerModelBuilder.Build(config, seed: 5).ToByteArray();
        byte[] other = TransformerModelBuilder.Build(config, seed: 6).ToByteArray();
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void WeightsFollowTheHuggingFaceInit()
    {
        var config = TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Tiny);
        var weights = new ModelWeights(TestModels.Get(config).Model);

        var (table, dims) = weights.Get("embeddings.word_embeddings.weight");
        int width = (int)dims[1];
        Assert.All(table[..width], v => Assert.Equal(0f, v)); // padding_idx 0 row zeroed, as HF does
        double[] rest = table[width..].Select(v => (double)v).ToArray();
        double mean = rest.Average();
        double std = Math.Sqrt(rest.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.001, 0.001);
        Assert.InRange(std, 0.0195, 0.0205);

        Assert.All(weights["encoder.layer.0.attention.output.LayerNorm.weight"], v => Assert.Equal(1f, v));
        Assert.All(weights["encoder.layer.0.attention.output.LayerNorm.bias"], v => Assert.Equal(0f, v));
        Assert.All(weights["encoder.layer.1.intermediate.dense.bias"], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void AttentionStdAppliesToQueryAndKeyColumnsOnly()
    {
        var config = TransformerConfig.Create(TransformerArchitecture.Gpt2, ModelSize.Tiny) with { AttentionStd = 0.5f };
        var (cAttn, dims) = new ModelWeights(TransformerModelBuilder.Build(config)).Get("h.0.attn.c_attn.weight");
        int h = config.Hidden, columns = (int)dims[1];
        double StdOfColumns(int from, int to) => Math.Sqrt(
            Enumerable.Range(0, h).SelectMany(r => Enumerable.Range(from, to - from).Select(c => (double)cAttn[r * columns + c]))
                .Average(v => v * v));
        Assert.InRange(StdOfColumns(0, 2 * h), 0.45, 0.55);
        Assert.InRange(StdOfColumns(2 * h, 3 * h), 0.015, 0.025);
    }

    [Fact]
    public void PortableLogMatchesTheLibraryLog()
    {
        var random = new Random(3);
        for (int i = 0; i < 100_000; i++)
        {
            double s = i < 10 ? Math.Pow(2, -i) : random.NextDouble();
            if (s == 0)
                continue;
            double expected = Math.Log(s);
            Assert.True(Math.Abs(NormalSampler.PortableLog(s) - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"ln({s:R})");
        }
    }

    [Fact]
    public void NormalSamplerHasUnitMomentsAndIsReproducible()
    {
        var a = new NormalSampler(99);
        var b = new NormalSampler(99);
        double sum = 0, squares = 0, fourth = 0;
        const int n = 400_000;
        for (int i = 0; i < n; i++)
        {
            double x = a.Next();
            Assert.Equal(x, b.Next());
            sum += x;
            squares += x * x;
            fourth += x * x * x * x;
        }
        Assert.InRange(sum / n, -0.01, 0.01);
        Assert.InRange(squares / n, 0.99, 1.01);
        Assert.InRange(fourth / n, 2.9, 3.1); // a normal's kurtosis is 3
    }

    [Fact]
    public void ReferenceErfMatchesTabulatedValues()
    {
        // Values from Abramowitz and Stegun, table 7.1.
        Assert.Equal(0.5204998778130465, ReferenceMath.Erf(0.5), 1e-12);
        Assert.Equal(-0.8427007929497149, ReferenceMath.Erf(-1.0), 1e-12);
        Assert.Equal(0.9953222650189527, ReferenceMath.Erf(2.0), 1e-12);
        Assert.Equal(0.9999779095030014, ReferenceMath.Erf(3.0), 1e-12);
        Assert.Equal(0.9999999845827421, ReferenceMath.Erf(4.0), 1e-12);
    }
}
