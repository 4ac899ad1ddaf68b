namespace MlNetGraviton.Models.Tests;

public sealed class ConfigTests
{
    [Theory]
    [InlineData(TransformerArchitecture.Bert, false, 30522)] // bert-base-uncased vocab.txt
    [InlineData(TransformerArchitecture.Bert, true, 28996)]  // bert-base-cased vocab.txt
    [InlineData(TransformerArchitecture.Roberta, false, 50265)]
    [InlineData(TransformerArchitecture.Gpt2, false, 50257)]
    public void EverySizeUsesTheTokenizersVocabulary(TransformerArchitecture arch, bool cased, int vocab)
    {
        foreach (var size in Enum.GetValues<ModelSize>())
            Assert.Equal(vocab, TransformerConfig.Create(arch, size, cased).VocabSize);
    }

    [Theory]
    [InlineData("bert-tiny-uncased", 2, 64, 4, 256)]
    [InlineData("bert-base-cased", 12, 768, 12, 3072)]
    [InlineData("bert-large-uncased", 24, 1024, 16, 4096)]
    [InlineData("roberta-base", 12, 768, 12, 3072)]
    [InlineData("roberta-large", 24, 1024, 16, 4096)]
    [InlineData("gpt2", 12, 768, 12, 3072)]
    [InlineData("gpt2-medium", 24, 1024, 16, 4096)]
    public void NamesMapToHuggingFaceShapes(string name, int layers, int hidden, int heads, int ffn)
    {
        var config = TransformerConfig.FromName(name);
        Assert.Equal((layers, hidden, heads, ffn), (config.Layers, config.Hidden, config.Heads, config.FfnSize));
        Assert.Equal(name, config.Name);
    }

    [Fact]
    public void EveryKnownNameRoundTrips()
    {
        foreach (string name in TransformerConfig.KnownNames)
            Assert.Equal(name, TransformerConfig.FromName(name).Name);
    }

    [Fact]
    public void HyperParametersFollowHuggingFaceConfigs()
    {
        var bert = TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Base);
        Assert.Equal((512, 2, 1e-12), (bert.MaxPositions, bert.TypeVocabSize, bert.LayerNormEpsilon));
        var roberta = TransformerConfig.Create(TransformerArchitecture.Roberta, ModelSize.Base);
        Assert.Equal((514, 1, 1e-5), (roberta.MaxPositions, roberta.TypeVocabSize, roberta.LayerNormEpsilon));
        var gpt2 = TransformerConfig.Create(TransformerArchitecture.Gpt2, ModelSize.Base);
        Assert.Equal((1024, 1e-5), (gpt2.MaxPositions, gpt2.LayerNormEpsilon));
        Assert.Equal((0.02f, 0.02f), (bert.InitStd, bert.AttentionStd));
    }

    // Parameter counts Hugging Face reports (sum of p.numel() over model.parameters()). BertModel and RobertaModel
    // include a pooler (hidden*hidden + hidden); our bare encoders have none (the pooler only comes with a
    // classification head), so it is subtracted. GPT2LMHeadModel counts the tied lm_head once, as our graph stores it.
    [Theory]
    [InlineData("bert-base-uncased", 109_482_240L, true)]
    [InlineData("roberta-base", 124_645_632L, true)]
    [InlineData("gpt2", 124_439_808L, false)]
    [InlineData("bert-large-uncased", 335_141_888L, true)]
    [InlineData("roberta-large", 355_359_744L, true)]
    [InlineData("gpt2-medium", 354_823_168L, false)]
    public void ParameterCountsEqualHuggingFaceModels(string name, long huggingFaceCount, bool hfHasPooler)
    {
        var config = TransformerConfig.FromName(name);
        long pooler = hfHasPooler ? (long)config.Hidden * config.Hidden + config.Hidden : 0;
        Assert.Equal(huggingFaceCount - pooler, config.ParameterCount);
    }

    [Fact]
    public void ClassificationHeadAddsPoolerAndLabelProjection()
    {
        var bare = TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Base);
        var withHead = TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Base, numLabels: 2);
        // HF BertForSequenceClassification(bert-base-uncased, num_labels=2): 109,483,778 parameters.
        Assert.Equal(109_483_778L, withHead.ParameterCount);
        Assert.Equal(768L * 768 + 768 + 768 * 2 + 2, withHead.ParameterCount - bare.ParameterCount);
    }

    public static TheoryData<string, Func<TransformerConfig, TransformerConfig>> BadConfigs() => new()
    {
        { "Hidden", c => c with { Hidden = 65 } },
        { "Layers", c => c with { Layers = 0 } },
        { "Heads", c => c with { Heads = -1 } },
        { "FfnSize", c => c with { FfnSize = 0 } },
        { "VocabSize", c => c with { VocabSize = 0 } },
        { "MaxPositions", c => c with { MaxPositions = -5 } },
        { "TypeVocabSize", c => c with { TypeVocabSize = 0 } },
        { "LayerNormEpsilon", c => c with { LayerNormEpsilon = double.NaN } },
        { "NumLabels", c => c with { NumLabels = -2 } },
        { "InitStd", c => c with { InitStd = 0f } },
        { "AttentionStd", c => c with { AttentionStd = float.PositiveInfinity } },
        { "Architecture", c => c with { Architecture = (TransformerArchitecture)42 } },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void InvalidFieldsThrowNamingTheField(string field, Func<TransformerConfig, TransformerConfig> corrupt)
    {
        var config = corrupt(TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Tiny));
        var error = Assert.Throws<ArgumentException>(() => TransformerModelBuilder.Build(config));
        Assert.Equal(field, error.ParamName);
        Assert.Contains(field, error.Message);
        Assert.Throws<ArgumentException>(() => ModelCache.GetOrBuild(config));
    }

    [Fact]
    public void HiddenNotDivisibleByHeadsSaysBoth()
    {
        var config = TransformerConfig.Create(TransformerArchitecture.Gpt2, ModelSize.Tiny) with { Heads = 5 };
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains("Hidden (64)", error.Message);
        Assert.Contains("Heads (5)", error.Message);
    }

    [Fact]
    public void Gpt2RejectsClassificationHeadAndTokenTypes()
    {
        Assert.Equal("NumLabels", Assert.Throws<ArgumentException>(
            () => TransformerConfig.Create(TransformerArchitecture.Gpt2, ModelSize.Tiny, numLabels: 2)).ParamName);
        var withTypes = TransformerConfig.Create(TransformerArchitecture.Gpt2, ModelSize.Tiny) with { TypeVocabSize = 2 };
        Assert.Equal("TypeVocabSize", Assert.Throws<ArgumentException>(withTypes.Validate).ParamName);
    }

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => TransformerConfig.FromName("bert-huge-uncased"));
        Assert.Contains("bert-huge-uncased", error.Message);
        Assert.Contains("roberta-base", error.Message);
        Assert.Equal("name", error.ParamName);
    }
}
