namespace MlNetGraviton.Tokenization.Tests;

public class BertTokenizerTests
{
    private static readonly TransformerTokenizer Uncased = TransformerTokenizer.CreateBert(VocabFiles.BertUncasedVocab);

    [Fact]
    public void HelloWorldMatchesVocabularyLineIndices()
    {
        var expected = new[] { VocabFiles.BertId("[CLS]"), VocabFiles.BertId("hello"), VocabFiles.BertId("world"), VocabFiles.BertId("[SEP]") };

        Assert.Equal([101, 7592, 2088, 102], expected);
        Assert.Equal(expected, Uncased.Encode("hello world"));
    }

    [Fact]
    public void LowerCasesBeforeLookup()
    {
        Assert.Equal(Uncased.Encode("hello world"), Uncased.Encode("HeLLo WORLD"));
    }

    [Theory]
    [InlineData("unaffable")]
    [InlineData("tokenization")]
    [InlineData("graviton")]
    public void SplitsWordsLikeGreedyLongestMatchWordPiece(string word)
    {
        var expected = new List<int> { VocabFiles.BertId("[CLS]") };
        expected.AddRange(ReferenceWordPiece(word));
        expected.Add(VocabFiles.BertId("[SEP]"));

        Assert.Equal(expected, Uncased.Encode(word));
    }

    [Fact]
    public void SplitsPunctuation()
    {
        var expected = new[] { "[CLS]", "hello", ",", "world", "!", "[SEP]" }.Select(VocabFiles.BertId);

        Assert.Equal(expected, Uncased.Encode("Hello, world!"));
    }

    [Fact]
    public void TruncationKeepsClsAndSep()
    {
        var bert = TransformerTokenizer.CreateBert(VocabFiles.BertUncasedVocab, maxTokens: 5);
        const string text = "the quick brown fox jumps over the lazy dog";
        var content = bert.EncodeContent(text);

        var ids = bert.Encode(text);

        Assert.Equal(5, ids.Length);
        Assert.Equal(VocabFiles.BertId("[CLS]"), ids[0]);
        Assert.Equal(VocabFiles.BertId("[SEP]"), ids[^1]);
        Assert.Equal(content.Take(3), ids[1..4]);
    }

    [Fact]
    public void MaxTokensTwoLeavesOnlySpecialTokens()
    {
        var bert = TransformerTokenizer.CreateBert(VocabFiles.BertUncasedVocab, maxTokens: 2);

        Assert.Equal([VocabFiles.BertId("[CLS]"), VocabFiles.BertId("[SEP]")], bert.Encode("hello world"));
    }

    [Fact]
    public void PadsWithPadIdZero()
    {
        Assert.Equal(VocabFiles.BertId("[PAD]"), Uncased.PadId);
    }

    // Plain WordPiece for one lower-case ASCII word: longest vocabulary prefix first, continuations marked "##".
    private static IEnumerable<int> ReferenceWordPiece(string word)
    {
        var lines = File.ReadAllLines(VocabFiles.BertUncasedVocab);
        var ids = new Dictionary<string, int>();
        for (var i = 0; i < lines.Length; i++)
        {
            ids.TryAdd(lines[i], i);
        }

        var pieces = new List<int>();
        for (var start = 0; start < word.Length;)
        {
            var end = word.Length;
            while (end > start && !ids.ContainsKey((start > 0 ? "##" : "") + word[start..end]))
            {
                end--;
            }

            Assert.True(end > start, $"no piece of '{word}' at {start} is in the vocabulary");
            pieces.Add(ids[(start > 0 ? "##" : "") + word[start..end]]);
            start = end;
        }

        return pieces;
    }
}
