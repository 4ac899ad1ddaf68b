using Microsoft.ML.Tokenizers;

namespace MlNetGraviton.Tokenization.Tests;

public class RobertaTokenizerTests
{
    private static readonly TransformerTokenizer Roberta =
        TransformerTokenizer.CreateRoberta(VocabFiles.RobertaEncoder, VocabFiles.RobertaMerges, VocabFiles.RobertaDict);

    private static readonly Lazy<Dictionary<int, int>> RobertaIds = new(VocabFiles.RobertaIdsByGpt2Id);

    public static TheoryData<string> Sentences =>
    [
        "Hello world!",
        "The quick brown fox jumps over the lazy dog.",
        "  leading spaces, tabs\tand\nnewlines ",
        "Numbers 12345 and symbols $ + < = > ^ | ~ € ©",
        "naïve café, emoji 🙂 and 漢字",
        "",
    ];

    [Theory]
    [MemberData(nameof(Sentences))]
    public void IdsAreGpt2IdsMappedThroughDictRanks(string text)
    {
        // Independent path: HF-exact GPT-2 BPE ids, then RoBERTa id = 4 + rank in dict.txt, wrapped in <s> ... </s>.
        var gpt2 = TiktokenTokenizer.CreateForModel("gpt2").EncodeToIds(text);
        var expected = new List<int> { 0 };
        expected.AddRange(gpt2.Select(id => RobertaIds.Value[id]));
        expected.Add(2);

        Assert.Equal(expected, Roberta.Encode(text));
    }

    [Fact]
    public void ExclamationMarkIsNotMappedToBeginToken()
    {
        // GPT-2 id 0 is "!"; its dict.txt rank gives RoBERTa id 328, never <s> (0).
        Assert.Equal([0, 328, 2], Roberta.Encode("!"));
    }

    [Fact]
    public void SpecialIdsFollowFairseq()
    {
        Assert.Equal([0], Roberta.PrefixIds);
        Assert.Equal([2], Roberta.SuffixIds);
        Assert.Equal(1, Roberta.PadId);
        Assert.Equal(50264, Roberta.Model.TokenToId("<mask>"));
    }

    [Fact]
    public void TruncationKeepsBeginAndEnd()
    {
        var roberta = TransformerTokenizer.CreateRoberta(VocabFiles.RobertaEncoder, VocabFiles.RobertaMerges, VocabFiles.RobertaDict, maxTokens: 4);
        const string text = "The quick brown fox jumps over the lazy dog.";

        var ids = roberta.Encode(text);

        Assert.Equal(4, ids.Length);
        Assert.Equal(0, ids[0]);
        Assert.Equal(2, ids[^1]);
        Assert.Equal(roberta.EncodeContent(text).Take(2), ids[1..3]);
    }
}
