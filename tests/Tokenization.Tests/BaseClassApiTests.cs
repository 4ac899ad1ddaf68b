using Microsoft.ML.Tokenizers;
using MlNetGraviton.Tokenization.Tests.Reference;

namespace MlNetGraviton.Tokenization.Tests;

/// <summary>Our tokenizers used through Microsoft.ML.Tokenizers' <see cref="Tokenizer"/> base class, as other libraries would.</summary>
public class BaseClassApiTests
{
    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void EncodeToIdsCountTokensAndDecodeMatchTheReference(string name)
    {
        Tokenizer tokenizer = Tokenizers.For(name).Model;
        var texts = Corpus.Texts.Where((_, i) => i % 7 == 0).ToArray();
        var expected = HuggingFaceReference.Encode(name, texts, null, "{\"addSpecialTokens\":false}");
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(expected[i].Ids, tokenizer.EncodeToIds(texts[i]));
            Assert.Equal(expected[i].Ids, tokenizer.EncodeToIds(texts[i].AsSpan()));
            Assert.Equal(expected[i].Ids.Length, tokenizer.CountTokens(texts[i]));
            Assert.Equal(expected[i].DecodedAll, tokenizer.Decode(expected[i].Ids));
        }
    }

    [Fact]
    public void EncodeToTokensGivesIdsValuesAndUtf16Offsets()
    {
        Tokenizer bert = Tokenizers.For(HuggingFaceReference.BertUncased).Model;
        const string text = "Héllo 𠀀 wörld!";

        var tokens = bert.EncodeToTokens(text, out var normalized);

        Assert.Null(normalized);
        Assert.Equal(["hello", "[UNK]", "world", "!"], tokens.Select(t => t.Value));
        Assert.Equal(["Héllo", "𠀀", "wörld", "!"], tokens.Select(t => text[t.Offset]));
    }

    [Fact]
    public void MaxTokenCountLimitsAndIndexByTokenCountSplitsTheText()
    {
        Tokenizer gpt2 = Tokenizers.For(HuggingFaceReference.Gpt2).Model;
        const string text = "The quick brown fox jumps over the lazy dog";

        var ids = gpt2.EncodeToIds(text, maxTokenCount: 3, out var normalized, out var consumed);
        var index = gpt2.GetIndexByTokenCount(text, 3, out _, out var count);

        Assert.Equal(gpt2.EncodeToIds(text).Take(3), ids);
        Assert.Equal("The quick brown".Length, consumed);
        Assert.Equal(3, count);
        Assert.Equal("The quick brown".Length, index);
    }

    [Fact]
    public void DecodeIntoSpanReportsTooSmall()
    {
        Tokenizer bert = Tokenizers.For(HuggingFaceReference.BertUncased).Model;
        var ids = bert.EncodeToIds("hello world");

        Assert.Equal(System.Buffers.OperationStatus.DestinationTooSmall, bert.Decode(ids, new char[3], out _, out _));
        var buffer = new char[32];
        Assert.Equal(System.Buffers.OperationStatus.Done, bert.Decode(ids, buffer, out var used, out var written));
        Assert.Equal(2, used);
        Assert.Equal("hello world", new string(buffer, 0, written));
    }
}
