using System.Text.Json;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Cli.Tests;

/// <summary>`tokenize`: JSONL of ids, tokens and code-point offsets; the ids are the library's (checked against Hugging Face in the Tokenization tests).</summary>
public class TokenizeCommandTests
{
    private static readonly string Vocab = Path.Combine(AppContext.BaseDirectory, "data", "vocab", "bert-base-uncased", "vocab.txt");

    [Fact]
    public void WritesIdsTokensAndCodePointOffsetsPerLine()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["in.txt"], "Hello 🙂 world!\n\nnaïve café\n");

        var (code, stdout, stderr) = CliRunner.Run("tokenize", "--tokenizer", "bert-base-uncased", "--input", dir["in.txt"]);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        var bert = TransformerTokenizer.CreateBert(Vocab);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(bert.Encode("Hello 🙂 world!"), first.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(["[CLS]", "hello", "[UNK]", "world", "!", "[SEP]"], first.RootElement.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()));
        // Code points: the emoji is one character, so "world" starts at 8 (UTF-16 would say 9).
        Assert.Equal([(0, 0), (0, 5), (6, 7), (8, 13), (13, 14), (0, 0)], first.RootElement.GetProperty("offsets").EnumerateArray().Select(e => (e[0].GetInt32(), e[1].GetInt32())));
        using var empty = JsonDocument.Parse(lines[1]);
        Assert.Equal([101, 102], empty.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Theory]
    [InlineData("bert-base-uncased")]
    [InlineData("bert-base-cased")]
    [InlineData("roberta-base")]
    [InlineData("gpt2")]
    public void EveryNamedTokenizerRunsWithAndWithoutSpecialTokens(string name)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["in.txt"], "The quick brown fox, naïve 漢字 🙂.\n");

        var (code, stdout, stderr) = CliRunner.Run("tokenize", "--tokenizer", name, "--input", dir["in.txt"], "--output", dir["out.jsonl"]);
        var (plainCode, plain, _) = CliRunner.Run("tokenize", "--tokenizer", name, "--input", dir["in.txt"], "--no-special-tokens");

        Assert.True(code == 0, stderr);
        Assert.Equal("", stdout);
        Assert.Equal(0, plainCode);
        using var special = JsonDocument.Parse(File.ReadAllLines(dir["out.jsonl"])[0]);
        using var content = JsonDocument.Parse(plain.Trim());
        var withSpecial = special.RootElement.GetProperty("ids").GetArrayLength();
        var without = content.RootElement.GetProperty("ids").GetArrayLength();
        Assert.Equal(name == "gpt2" ? 0 : 2, withSpecial - without);
    }

    [Fact]
    public void MaxTokensTruncatesAndJsonlTakesPairs()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["in.jsonl"], "{\"text\": \"one two three four five\", \"pair\": \"six seven eight\"}\n");

        var (code, stdout, stderr) = CliRunner.Run("tokenize", "--tokenizer", Vocab, "--jsonl", "--input", dir["in.jsonl"], "--max-tokens", "7");

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        Assert.Equal(["[CLS]", "one", "two", "[SEP]", "six", "seven", "[SEP]"], doc.RootElement.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([0, 0, 0, 0, 1, 1, 1], doc.RootElement.GetProperty("type_ids").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Theory]
    [InlineData(new[] { "tokenize" }, "--tokenizer")]
    [InlineData(new[] { "tokenize", "--tokenizer", "xlnet" }, "unknown tokenizer")]
    [InlineData(new[] { "tokenize", "--tokenizer", "gpt2", "--max-tokens", "1" }, "--max-tokens")]
    [InlineData(new[] { "tokenize", "--tokenizer", "gpt2", "--bogus", "1" }, "--bogus")]
    public void UsageErrorsExitTwo(string[] args, string message)
    {
        var (code, _, stderr) = CliRunner.Run(args);

        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void MissingFilesExitOneNamingTheFile()
    {
        var (code, _, stderr) = CliRunner.Run("tokenize", "--tokenizer", "/nowhere/vocab.txt", "--input", "/nowhere/in.txt");

        Assert.Equal(1, code);
        Assert.Contains("/nowhere/vocab.txt", stderr);
    }
}
