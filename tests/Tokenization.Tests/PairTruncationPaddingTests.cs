using MlNetGraviton.Tokenization.Tests.Reference;

namespace MlNetGraviton.Tokenization.Tests;

/// <summary>Pairs, the three truncation strategies on both sides, and batch padding, against Hugging Face's tokenizers.</summary>
public class PairTruncationPaddingTests
{
    // Pairs of corpus lines from all categories, English and not, long and short.
    private static readonly string[] Firsts = Corpus.Texts.Where((_, i) => i % 12 == 0).Take(200).ToArray();
    private static readonly string[] Seconds = Corpus.Texts.Where((_, i) => i % 12 == 7).Reverse().Take(200).ToArray();

    public static TheoryData<string, TruncationStrategy, TruncationSide, int> Cases()
    {
        var data = new TheoryData<string, TruncationStrategy, TruncationSide, int>();
        foreach (var name in HuggingFaceReference.Names)
        {
            foreach (var strategy in Enum.GetValues<TruncationStrategy>())
            {
                foreach (var side in Enum.GetValues<TruncationSide>())
                {
                    data.Add(name, strategy, side, 24);
                }
            }

            data.Add(name, TruncationStrategy.LongestFirst, TruncationSide.Right, 9);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PairsEqualTheReference(string name, TruncationStrategy strategy, TruncationSide side, int maxTokens)
    {
        var options = $"{{\"truncation\":{{\"maxLength\":{maxTokens},\"strategy\":\"{strategy}\",\"direction\":\"{side}\"}}}}";
        var expected = HuggingFaceReference.Encode(name, Firsts, Seconds, options);
        var tokenizer = Tokenizers.For(name);
        var ours = new TokenizeOptions { MaxTokens = maxTokens, Truncation = strategy, TruncationSide = side };
        var diff = new Mismatches($"{name} pairs {strategy} {side} {maxTokens}");
        var errors = 0;
        for (var i = 0; i < Firsts.Length; i++)
        {
            var text = Firsts[i] + " ||| " + Seconds[i];
            if (expected[i].Error is not null)
            {
                errors++;
                var e = Record.Exception(() => tokenizer.Encode(Firsts[i], Seconds[i], ours));
                if (e is not ArgumentException)
                {
                    diff.Add(i + 1, text, "result", $"error: {expected[i].Error}", e?.ToString() ?? "no error");
                }

                continue;
            }

            var actual = tokenizer.Encode(Firsts[i], Seconds[i], ours);
            diff.Check(i + 1, text, "ids", expected[i].Ids, actual.Ids);
            diff.Check(i + 1, text, "type ids", expected[i].TypeIds, actual.TypeIds);
            diff.Check(i + 1, text, "special mask", expected[i].SpecialMask, actual.SpecialTokensMask);
            diff.Check(i + 1, text, "offsets", expected[i].Offsets, actual.Offsets);
        }

        diff.AssertNone(Firsts.Length);
        if (strategy == TruncationStrategy.LongestFirst)
        {
            Assert.Equal(0, errors);
        }
    }

    [Theory]
    [MemberData(nameof(Tokenizers.Names), MemberType = typeof(Tokenizers))]
    public void SingleTextsTruncatedOnTheLeftEqualTheReference(string name)
    {
        var texts = Firsts;
        var expected = HuggingFaceReference.Encode(name, texts, null, "{\"truncation\":{\"maxLength\":7,\"strategy\":\"LongestFirst\",\"direction\":\"Left\"}}");
        var tokenizer = Tokenizers.For(name);
        var diff = new Mismatches($"{name} single texts truncated left");
        for (var i = 0; i < texts.Length; i++)
        {
            var actual = tokenizer.Encode(texts[i], null, new TokenizeOptions { MaxTokens = 7, TruncationSide = TruncationSide.Left });
            diff.Check(i + 1, texts[i], "ids", expected[i].Ids, actual.Ids);
            diff.Check(i + 1, texts[i], "offsets", expected[i].Offsets, actual.Offsets);
        }

        diff.AssertNone(texts.Length);
    }

    public static TheoryData<string, PaddingSide, TokenPadding, bool> PaddingCases()
    {
        var data = new TheoryData<string, PaddingSide, TokenPadding, bool>();
        foreach (var name in HuggingFaceReference.Names)
        {
            data.Add(name, PaddingSide.Right, TokenPadding.Longest, false);
            data.Add(name, PaddingSide.Left, TokenPadding.MaxTokens, false);
            data.Add(name, PaddingSide.Right, TokenPadding.MaxTokens, true);
            data.Add(name, PaddingSide.Left, TokenPadding.Longest, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PaddingCases))]
    public void PaddedBatchesEqualTheReference(string name, PaddingSide side, TokenPadding padding, bool pairs)
    {
        const int maxTokens = 48;
        var tokenizer = Tokenizers.For(name);
        var texts = Firsts.Take(64).ToArray();
        var seconds = pairs ? Seconds.Take(64).ToArray() : null;
        var padToken = tokenizer.Model.IdToToken(tokenizer.PadId);
        var length = padding == TokenPadding.MaxTokens ? $",\"maxLength\":{maxTokens}" : "";
        var options = $"{{\"truncation\":{{\"maxLength\":{maxTokens}}},\"padding\":{{\"direction\":\"{side}\",\"padId\":{tokenizer.PadId},\"padToken\":{JsonText.Escape(padToken!)}{length}}}}}";
        var expected = HuggingFaceReference.Encode(name, texts, seconds, options);

        var batch = tokenizer.EncodeBatch(texts, seconds, new TokenizeOptions { MaxTokens = maxTokens, Padding = padding, PaddingSide = side });

        Assert.Equal(texts.Length, batch.BatchSize);
        var diff = new Mismatches($"{name} padded batch {side} {padding}");
        for (var r = 0; r < texts.Length; r++)
        {
            var row = Enumerable.Range(r * batch.SequenceLength, batch.SequenceLength).ToArray();
            diff.Check(r + 1, texts[r], "input_ids", expected[r].Ids.Select(v => (long)v).ToArray(), row.Select(i => batch.InputIds[i]).ToArray());
            diff.Check(r + 1, texts[r], "attention_mask", expected[r].Mask.Select(v => (long)v).ToArray(), row.Select(i => batch.AttentionMask[i]).ToArray());
            diff.Check(r + 1, texts[r], "token_type_ids", expected[r].TypeIds.Select(v => (long)v).ToArray(), row.Select(i => batch.TokenTypeIds[i]).ToArray());
        }

        diff.AssertNone(texts.Length);
    }

    [Fact]
    public void BatchesGiveTheSameRowsOnOneThreadAndOnAll()
    {
        var tokenizer = Tokenizers.For(HuggingFaceReference.BertUncased);
        var texts = Corpus.Texts;

        var one = tokenizer.EncodeBatch(texts, null, new TokenizeOptions { MaxDegreeOfParallelism = 1 });
        var all = tokenizer.EncodeBatch(texts, null, new TokenizeOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 2 });

        Assert.Equal(one.InputIds, all.InputIds);
        Assert.Equal(one.AttentionMask, all.AttentionMask);
    }

    [Fact]
    public void OnlySecondWithoutPairIsAnError()
    {
        var tokenizer = Tokenizers.For(HuggingFaceReference.BertUncased);
        var e = Assert.Throws<ArgumentException>(() => tokenizer.Encode(string.Join(' ', Enumerable.Repeat("word", 50)), null, new TokenizeOptions { MaxTokens = 10, Truncation = TruncationStrategy.OnlySecond }));
        Assert.Contains("second text", e.Message);
    }

    [Fact]
    public void PairCountMustMatchTextCount()
    {
        var tokenizer = Tokenizers.For(HuggingFaceReference.BertUncased);
        var e = Assert.Throws<ArgumentException>(() => tokenizer.EncodeBatch(["a", "b"], ["c"]));
        Assert.Equal("pairs", e.ParamName);
    }
}
