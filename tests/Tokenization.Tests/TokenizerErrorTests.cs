namespace MlNetGraviton.Tokenization.Tests;

public sealed class TokenizerErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetgraviton-tok-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MissingBertVocabNamesTheFile()
    {
        var path = Path.Combine(_dir, "missing-vocab.txt");

        var e = Assert.Throws<FileNotFoundException>(() => TransformerTokenizer.CreateBert(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void BertVocabWithoutSpecialTokensNamesTheFile()
    {
        var path = Write("vocab.txt", "hello\nworld\n");

        var e = Assert.Throws<InvalidDataException>(() => TransformerTokenizer.CreateBert(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("[CLS]", e.Message);
    }

    [Fact]
    public void EmptyBertVocabNamesTheFile()
    {
        var path = Write("empty.txt", "");

        var e = Assert.Throws<InvalidDataException>(() => TransformerTokenizer.CreateBert(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MissingRobertaFileNamesTheFile()
    {
        var dict = Path.Combine(_dir, "no-dict.txt");

        var e = Assert.Throws<FileNotFoundException>(
            () => TransformerTokenizer.CreateRoberta(VocabFiles.RobertaEncoder, VocabFiles.RobertaMerges, dict));

        Assert.Contains(dict, e.Message);
    }

    [Fact]
    public void MalformedDictNamesTheFileAndLine()
    {
        var dict = Write("dict.txt", "13 850314647\nnot-a-pair\n");

        var e = Assert.Throws<InvalidDataException>(
            () => TransformerTokenizer.CreateRoberta(VocabFiles.RobertaEncoder, VocabFiles.RobertaMerges, dict));

        Assert.Contains(dict, e.Message);
        Assert.Contains("line 2", e.Message);
    }

    [Fact]
    public void MalformedEncoderJsonNamesTheFile()
    {
        var encoder = Write("encoder.json", "{\"a\": 0, ");

        var e = Assert.Throws<InvalidDataException>(
            () => TransformerTokenizer.CreateRoberta(encoder, VocabFiles.RobertaMerges, VocabFiles.RobertaDict));

        Assert.Contains(encoder, e.Message);
    }

    [Fact]
    public void MalformedMergesNamesTheFile()
    {
        var merges = Write("vocab.bpe", "#version: 0.2\nĠ t\nthree parts here\n");

        var e = Assert.Throws<InvalidDataException>(
            () => TransformerTokenizer.CreateRoberta(VocabFiles.RobertaEncoder, merges, VocabFiles.RobertaDict));

        Assert.Contains(merges, e.Message);
        Assert.Contains("line 3", e.Message);
    }

    [Fact]
    public void MaxTokensBelowTwoIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TransformerTokenizer.CreateBert(VocabFiles.BertUncasedVocab, maxTokens: 1));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => TransformerTokenizer.CreateRoberta(VocabFiles.RobertaEncoder, VocabFiles.RobertaMerges, VocabFiles.RobertaDict, maxTokens: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TransformerTokenizer.CreateGpt2(maxTokens: 1));
    }

    [Fact]
    public void NullTextIsRejected()
    {
        var gpt2 = TransformerTokenizer.CreateGpt2();

        Assert.Throws<ArgumentNullException>(() => gpt2.Encode(null!));
        var e = Assert.Throws<ArgumentNullException>(() => gpt2.EncodeBatch(["fine", null!]));
        Assert.Contains("index 1", e.Message);
    }

    [Fact]
    public void EmptyBatchIsRejected()
    {
        Assert.Throws<ArgumentException>(() => TransformerTokenizer.CreateGpt2().EncodeBatch([]));
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
