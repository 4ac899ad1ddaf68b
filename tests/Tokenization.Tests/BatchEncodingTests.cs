namespace MlNetGraviton.Tokenization.Tests;

public class BatchEncodingTests
{
    private static readonly TransformerTokenizer Bert = TransformerTokenizer.CreateBert(VocabFiles.BertUncasedVocab, maxTokens: 16);

    private static readonly string[] Texts = ["hello", "the quick brown fox jumps", "a b"];

    [Fact]
    public void PadsToLongestRow()
    {
        var rows = Texts.Select(Bert.Encode).ToArray();

        var batch = Bert.EncodeBatch(Texts);

        CheckBatch(batch, rows, rows.Max(r => r.Length), Bert.PadId);
    }

    [Fact]
    public void PadsToMaxTokens()
    {
        var rows = Texts.Select(Bert.Encode).ToArray();

        var batch = Bert.EncodeBatch(Texts, TokenPadding.MaxTokens);

        CheckBatch(batch, rows, 16, Bert.PadId);
    }

    [Fact]
    public void TruncatedRowsStayWithinMaxTokens()
    {
        var longText = string.Join(' ', Enumerable.Repeat("word", 100));

        var batch = Bert.EncodeBatch([longText, "hi"]);

        Assert.Equal(16, batch.SequenceLength);
        Assert.Equal([16, 3], batch.Lengths);
        Assert.Equal(102, batch.InputIds[15]);
    }

    private static void CheckBatch(TokenBatch batch, int[][] rows, int sequenceLength, int padId)
    {
        Assert.Equal(rows.Length, batch.BatchSize);
        Assert.Equal(sequenceLength, batch.SequenceLength);
        Assert.Equal([rows.Length, sequenceLength], batch.Shape);
        Assert.Equal(rows.Length * sequenceLength, batch.InputIds.Length);
        Assert.Equal(batch.InputIds.Length, batch.AttentionMask.Length);
        Assert.Equal(batch.InputIds.Length, batch.TokenTypeIds.Length);
        Assert.All(batch.TokenTypeIds, v => Assert.Equal(0, v));
        for (var r = 0; r < rows.Length; r++)
        {
            Assert.Equal(rows[r].Length, batch.Lengths[r]);
            for (var t = 0; t < sequenceLength; t++)
            {
                var at = r * sequenceLength + t;
                var real = t < rows[r].Length;
                Assert.Equal(real ? rows[r][t] : padId, batch.InputIds[at]);
                Assert.Equal(real ? 1 : 0, batch.AttentionMask[at]);
            }
        }
    }
}
