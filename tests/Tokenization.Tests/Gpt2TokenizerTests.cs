using Microsoft.ML.Tokenizers;

namespace MlNetGraviton.Tokenization.Tests;

public class Gpt2TokenizerTests
{
    [Fact]
    public void IdsAreTiktokenIdsWithoutSpecialTokens()
    {
        const string text = "Hello world! The quick brown fox.";
        var expected = TiktokenTokenizer.CreateForModel("gpt2").EncodeToIds(text);

        var gpt2 = TransformerTokenizer.CreateGpt2();

        Assert.Empty(gpt2.PrefixIds);
        Assert.Empty(gpt2.SuffixIds);
        Assert.Equal(expected, gpt2.Encode(text));
    }

    [Fact]
    public void PadsWithEndOfTextMasked()
    {
        var gpt2 = TransformerTokenizer.CreateGpt2();
        var shortIds = gpt2.Encode("Hi");
        var longIds = gpt2.Encode("Hello there, how are you today?");

        var batch = gpt2.EncodeBatch(["Hi", "Hello there, how are you today?"]);

        Assert.Equal(50256, gpt2.PadId);
        Assert.Equal(longIds.Length, batch.SequenceLength);
        for (var t = shortIds.Length; t < batch.SequenceLength; t++)
        {
            Assert.Equal(50256, batch.InputIds[t]);
            Assert.Equal(0, batch.AttentionMask[t]);
        }
    }

    [Fact]
    public void TruncatesToMaxTokens()
    {
        var gpt2 = TransformerTokenizer.CreateGpt2(maxTokens: 3);
        const string text = "one two three four five";

        Assert.Equal(gpt2.EncodeContent(text).Take(3), gpt2.Encode(text));
    }
}
