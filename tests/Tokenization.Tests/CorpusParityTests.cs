using MlNetGraviton.Tokenization.Tests.Reference;

namespace MlNetGraviton.Tokenization.Tests;

/// <summary>Every corpus line, encoded by us and by Hugging Face's tokenizers: same ids, segments, masks and offsets.</summary>
public class CorpusParityTests
{
    [Fact]
    public void CorpusHasEveryCategoryAndTwoThousandLines()
    {
        var counts = Corpus.All.GroupBy(l => l.Category).ToDictionary(g => g.Key, g => g.Count());

        Assert.True(Corpus.All.Count >= 2000, $"corpus has {Corpus.All.Count} lines");
        foreach (var category in new[] { "english", "accents", "combining", "controls", "surrogates", "cjk", "emoji", "symbols", "long-words", "urls", "code", "whitespace", "numbers", "punctuation" })
        {
            Assert.True(counts.GetValueOrDefault(category) >= 40, $"category {category} has {counts.GetValueOrDefault(category)} lines, fewer than 40");
        }
    }

    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void IdsAndOffsetsEqualTheReference(string name)
    {
        var texts = Corpus.Texts;
        var expected = HuggingFaceReference.Encode(name, texts);
        var tokenizer = Tokenizers.For(name);
        var unlimited = new TokenizeOptions { MaxTokens = int.MaxValue };
        var ids = new Mismatches($"{name} ids");
        var offsets = new Mismatches($"{name} offsets");
        for (var i = 0; i < texts.Count; i++)
        {
            var actual = tokenizer.Encode(texts[i], null, unlimited);
            ids.Check(i + 1, texts[i], "ids", expected[i].Ids, actual.Ids);
            ids.Check(i + 1, texts[i], "type ids", expected[i].TypeIds, actual.TypeIds);
            ids.Check(i + 1, texts[i], "special mask", expected[i].SpecialMask, actual.SpecialTokensMask);
            offsets.Check(i + 1, texts[i], "offsets", expected[i].Offsets, actual.Offsets);
        }

        ids.AssertNone(texts.Count);
        offsets.AssertNone(texts.Count);
    }

    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void TokensEqualTheReference(string name)
    {
        var texts = Corpus.Texts;
        var expected = HuggingFaceReference.Encode(name, texts);
        var tokenizer = Tokenizers.For(name);
        var tokens = new Mismatches($"{name} tokens");
        for (var i = 0; i < texts.Count; i++)
        {
            tokens.Check(i + 1, texts[i], "tokens", expected[i].Tokens, tokenizer.Encode(texts[i], null, new TokenizeOptions { MaxTokens = int.MaxValue }).Tokens);
        }

        tokens.AssertNone(texts.Count);
    }

    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void WithoutSpecialTokensEqualTheReference(string name)
    {
        var texts = Corpus.Texts.Where((_, i) => i % 5 == 0).ToArray();
        var expected = HuggingFaceReference.Encode(name, texts, null, "{\"addSpecialTokens\":false}");
        var tokenizer = Tokenizers.For(name);
        var ids = new Mismatches($"{name} ids without special tokens");
        for (var i = 0; i < texts.Length; i++)
        {
            ids.Check(i + 1, texts[i], "ids", expected[i].Ids, tokenizer.Encode(texts[i], null, new TokenizeOptions { AddSpecialTokens = false, MaxTokens = int.MaxValue }).Ids);
            ids.Check(i + 1, texts[i], "content ids", expected[i].Ids, tokenizer.EncodeContent(texts[i]).ToArray());
        }

        ids.AssertNone(texts.Length);
    }

    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void DecodeEqualsTheReference(string name)
    {
        var texts = Corpus.Texts;
        var expected = HuggingFaceReference.Encode(name, texts);
        var tokenizer = Tokenizers.For(name);
        var decoded = new Mismatches($"{name} decode");
        for (var i = 0; i < texts.Count; i++)
        {
            var ids = expected[i].Ids;
            var skip = tokenizer.Decode(ids, skipSpecialTokens: true);
            var all = tokenizer.Decode(ids, skipSpecialTokens: false);
            if (skip != expected[i].Decoded)
            {
                decoded.Add(i + 1, texts[i], "decode(skip special)", JsonText.Escape(expected[i].Decoded), JsonText.Escape(skip));
            }

            if (all != expected[i].DecodedAll)
            {
                decoded.Add(i + 1, texts[i], "decode(all)", JsonText.Escape(expected[i].DecodedAll), JsonText.Escape(all));
            }
        }

        decoded.AssertNone(texts.Count);
    }

    [Theory]
    [InlineData(HuggingFaceReference.Roberta)]
    [InlineData(HuggingFaceReference.Gpt2)]
    public void ByteLevelDecodeRoundTripsValidText(string name)
    {
        // Byte-level BPE loses nothing: every text without lone surrogates comes back as it was (HF's decode does the same).
        var tokenizer = Tokenizers.For(name);
        foreach (var text in Corpus.Texts.Where(t => !t.Contains("<") && !HasLoneSurrogate(t)))
        {
            Assert.Equal(text, tokenizer.Decode(tokenizer.EncodeContent(text)));
        }
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
