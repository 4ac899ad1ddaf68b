using System.Diagnostics;
using System.Text;
using MlNetGraviton.Tokenization.Tests.Reference;

namespace MlNetGraviton.Tokenization.Tests;

/// <summary>Bad input gets a defined result (the reference's where it has one) or a clear error; never a crash or a hang.</summary>
public class BadInputTests
{
    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void NullTextIsAnArgumentError(string name)
    {
        var tokenizer = Tokenizers.For(name);

        Assert.Throws<ArgumentNullException>(() => tokenizer.Encode(null!));
        Assert.Throws<ArgumentNullException>(() => tokenizer.Encode(null!, "pair"));
        Assert.Throws<ArgumentNullException>(() => tokenizer.EncodeContent(null!));
        Assert.Throws<ArgumentNullException>(() => tokenizer.Decode(null!));
    }

    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void EmptyTextAndEmptyPairEqualTheReference(string name)
    {
        var tokenizer = Tokenizers.For(name);
        var expected = HuggingFaceReference.Encode(name, ["", "", "a"], ["", "b", ""]);

        Assert.Equal(expected[0].Ids, tokenizer.Encode("", "").Ids);
        Assert.Equal(expected[1].Ids, tokenizer.Encode("", "b").Ids);
        Assert.Equal(expected[2].Ids, tokenizer.Encode("a", "").Ids);
        Assert.Equal(HuggingFaceReference.Encode(name, [""])[0].Ids, tokenizer.Encode(""));
    }

    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void OneMegabyteTextEqualsTheReferenceInBoundedTime(string name)
    {
        // 1 MB of real sentences with controls, lone surrogates and CJK mixed in, and 1 MB with no space at all.
        var builder = new StringBuilder();
        var texts = Corpus.Texts;
        for (var i = 0; builder.Length < 1 << 20; i++)
        {
            builder.Append(texts[i % texts.Count]).Append(i % 3 == 0 ? "\n" : " ");
        }

        var spaced = builder.ToString();
        var solid = new string('a', 1 << 20);
        var expected = HuggingFaceReference.Encode(name, [spaced, solid], null, "{\"addSpecialTokens\":false}");
        var tokenizer = Tokenizers.For(name);

        var clock = Stopwatch.StartNew();
        var actualSpaced = tokenizer.EncodeContent(spaced);
        var actualSolid = tokenizer.EncodeContent(solid);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"2 MB took {clock.Elapsed}");
        Assert.Equal(expected[0].Ids, actualSpaced);
        Assert.Equal(expected[1].Ids, actualSolid);
    }

    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void TenThousandCharacterWordsEqualTheReference(string name)
    {
        string[] words = [new string('x', 10_000), string.Concat(Enumerable.Repeat("ab", 5_000)), string.Concat(Enumerable.Repeat("é🙂", 3_400)), "pre " + new string('9', 10_000) + " post"];
        var expected = HuggingFaceReference.Encode(name, words, null, "{\"addSpecialTokens\":false}");
        var tokenizer = Tokenizers.For(name);

        for (var i = 0; i < words.Length; i++)
        {
            Assert.Equal(expected[i].Ids, tokenizer.EncodeContent(words[i]));
        }
    }

    [Fact]
    public void BertWordOverOneHundredCharactersIsOneUnknownToken()
    {
        var bert = Tokenizers.For(HuggingFaceReference.BertUncased);

        Assert.Equal([bert.Model.TokenToId("[UNK]")!.Value], bert.EncodeContent(new string('a', 101)));
        Assert.NotEqual([bert.Model.TokenToId("[UNK]")!.Value], bert.EncodeContent(new string('a', 100)));
    }

    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void EveryControlAndLoneSurrogateAloneEqualsTheReference(string name)
    {
        var texts = new List<string>();
        for (var c = 0; c < 0x20; c++)
        {
            texts.Add($"a{(char)c}b");
        }

        texts.AddRange(["\u007f", "\u0085", "\u2028", "\u2029", "\ufeff", "\ud800", "\udfff", "\udc00\ud800", "x\ud83dy", "\ud83d", "\ufffd", "\u0000"]);
        var expected = HuggingFaceReference.Encode(name, texts);
        var tokenizer = Tokenizers.For(name);

        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(expected[i].Ids, tokenizer.Encode(texts[i]));
        }
    }

    [Fact]
    public void IdsOutsideTheVocabularyAreAnArgumentErrorWhenDecoding()
    {
        var bert = Tokenizers.For(HuggingFaceReference.BertUncased);

        var e = Assert.Throws<ArgumentException>(() => bert.Decode([101, 999_999]));

        Assert.Contains("999999", e.Message);
    }

    [Fact]
    public void NegativeMaxTokensIsRejected()
    {
        var bert = Tokenizers.For(HuggingFaceReference.BertUncased);

        Assert.Throws<ArgumentOutOfRangeException>(() => bert.Encode("a", null, new TokenizeOptions { MaxTokens = -1 }));
    }
}
