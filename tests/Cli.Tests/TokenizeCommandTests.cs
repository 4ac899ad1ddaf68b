using System.Text.Json;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Cli.Tests;

/// <summary>`tokenize`: JSONL of ids, tokens, type ids, attention mask and code-point offsets; the ids are the library's (checked against Hugging Face in the Tokenization tests).</summary>
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

    [Fact]
    public void JsonlInputGetsIdsTypeIdsMaskAndOffsetsAddedToItsOwnFields()
    {
        // The form: --input in.jsonl (JSONL without --jsonl), "text" and "text_pair", --max-length with a strategy.
        using var dir = new TempDir();
        File.WriteAllLines(dir["in.jsonl"],
        [
            "{\"id\": 7, \"text\": \"one two three four five\", \"text_pair\": \"six seven eight\"}",
            "",
            "{\"text\": \"Naïve 🙂 café\"}",
        ]);

        var (code, _, stderr) = CliRunner.Run("tokenize", "--tokenizer", Vocab, "--input", dir["in.jsonl"], "--output", dir["out.jsonl"],
            "--max-length", "9", "--truncation", "only_second");

        Assert.True(code == 0, stderr);
        Assert.Contains("2 line(s) written", stderr);
        string[] lines = File.ReadAllLines(dir["out.jsonl"]);
        Assert.Equal(2, lines.Length);
        var bert = TransformerTokenizer.CreateBert(Vocab);
        using (var pair = JsonDocument.Parse(lines[0]))
        {
            JsonElement root = pair.RootElement;
            Assert.Equal(7, root.GetProperty("id").GetInt32());
            Assert.Equal("six seven eight", root.GetProperty("text_pair").GetString());
            // only_second: the pair gives up its tokens, the first text keeps all five.
            var expected = bert.Encode("one two three four five", "six seven eight",
                new TokenizeOptions { MaxTokens = 9, Truncation = TruncationStrategy.OnlySecond });
            Assert.Equal(["[CLS]", "one", "two", "three", "four", "five", "[SEP]", "six", "[SEP]"], root.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(expected.Ids, Ints(root, "ids"));
            Assert.Equal([0, 0, 0, 0, 0, 0, 0, 1, 1], Ints(root, "type_ids"));
            Assert.Equal(Enumerable.Repeat(1, 9), Ints(root, "attention_mask"));
        }

        using var single = JsonDocument.Parse(lines[1]);
        Assert.Equal(bert.Encode("Naïve 🙂 café"), Ints(single.RootElement, "ids"));
        Assert.Equal(Enumerable.Repeat(0, 5), Ints(single.RootElement, "type_ids"));
        Assert.Equal([(0, 0), (0, 5), (6, 7), (8, 12), (0, 0)],
            single.RootElement.GetProperty("offsets").EnumerateArray().Select(e => (e[0].GetInt32(), e[1].GetInt32())));

        // A strategy that cannot fit the line fails naming the file and line, as Hugging Face refuses it.
        var (tooShort, _, error) = CliRunner.Run("tokenize", "--tokenizer", Vocab, "--input", dir["in.jsonl"], "--max-length", "7", "--truncation", "only_second");
        Assert.Equal(1, tooShort);
        Assert.Contains("in.jsonl:1:", error);
    }

    [Fact]
    public void A_folder_of_bpe_files_or_a_vocab_with_its_config_is_a_tokenizer()
    {
        using var dir = new TempDir();
        string roberta = Path.Combine(AppContext.BaseDirectory, "data", "vocab", "roberta-base");
        // GPT-2's own files under Hugging Face's names: the folder tokenizes exactly as the built-in gpt2.
        string gpt2 = Directory.CreateDirectory(dir["gpt2"]).FullName;
        File.Copy(Path.Combine(roberta, "encoder.json"), Path.Combine(gpt2, "vocab.json"));
        File.Copy(Path.Combine(roberta, "vocab.bpe"), Path.Combine(gpt2, "merges.txt"));
        // A cased BERT folder: tokenizer_config.json turns lower-casing off, as transformers reads it.
        string cased = Directory.CreateDirectory(dir["cased"]).FullName;
        File.Copy(Vocab, Path.Combine(cased, "vocab.txt"));
        File.WriteAllText(Path.Combine(cased, "tokenizer_config.json"), "{\"do_lower_case\": false}");
        File.WriteAllText(dir["in.txt"], "Hello World, naïve 漢字 🙂.\n");

        var (code, stdout, stderr) = CliRunner.Run("tokenize", "--tokenizer", gpt2, "--input", dir["in.txt"]);
        var (builtInCode, builtIn, _) = CliRunner.Run("tokenize", "--tokenizer", "gpt2", "--input", dir["in.txt"]);
        var (casedCode, casedOut, casedErr) = CliRunner.Run("tokenize", "--tokenizer", cased, "--input", dir["in.txt"]);
        var (emptyCode, _, emptyErr) = CliRunner.Run("tokenize", "--tokenizer", dir.Path, "--input", dir["in.txt"]);

        Assert.True(code == 0, stderr);
        Assert.Equal(0, builtInCode);
        Assert.Equal(builtIn, stdout);
        Assert.True(casedCode == 0, casedErr);
        using var doc = JsonDocument.Parse(casedOut.Trim());
        Assert.Equal(TransformerTokenizer.CreateBert(Vocab, lowerCase: false).Encode("Hello World, naïve 漢字 🙂."), Ints(doc.RootElement, "ids"));
        Assert.NotEqual(TransformerTokenizer.CreateBert(Vocab).Encode("Hello World, naïve 漢字 🙂."), Ints(doc.RootElement, "ids"));
        Assert.Equal(1, emptyCode);
        Assert.Contains("has no tokenizer.json, vocab.txt, or vocab.json with merges.txt", emptyErr);
    }

    [Fact]
    public void Bad_lines_and_bad_folder_files_fail_naming_the_file()
    {
        using var dir = new TempDir();
        // A lone surrogate escape parses as JSON but is not text; a number where the pair should be is not a string.
        File.WriteAllText(dir["surrogate.jsonl"], "{\"text\": \"ok\"}\n{\"text\": \"hi \\ud800 there\"}\n");
        File.WriteAllText(dir["pair.jsonl"], "{\"text\": \"ok\", \"text_pair\": 3}\n");
        File.WriteAllText(dir["nojson.jsonl"], "{\"text\": \"ok\"\n");
        string folder = Directory.CreateDirectory(dir["folder"]).FullName;
        File.Copy(Vocab, Path.Combine(folder, "vocab.txt"));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{bad");
        File.WriteAllText(dir["in.txt"], "hello\n");

        foreach (var (file, message) in new[] { ("surrogate.jsonl", "surrogate.jsonl:2: \"text\" is not valid text"),
                     ("pair.jsonl", "pair.jsonl:1: \"text_pair\" must be a string"), ("nojson.jsonl", "nojson.jsonl:1: not a JSON object") })
        {
            var (code, _, stderr) = CliRunner.Run("tokenize", "--tokenizer", Vocab, "--input", dir[file]);
            Assert.Equal(1, code);
            Assert.Contains(message, stderr);
        }

        var (folderCode, _, folderErr) = CliRunner.Run("tokenize", "--tokenizer", folder, "--input", dir["in.txt"]);
        Assert.Equal(1, folderCode);
        Assert.Contains("tokenizer_config.json: not valid JSON", folderErr);
        Assert.DoesNotContain("Unhandled exception", folderErr);
    }

    private static int[] Ints(JsonElement root, string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    [Theory]
    [InlineData(new[] { "tokenize" }, "--tokenizer")]
    [InlineData(new[] { "tokenize", "--tokenizer", "xlnet" }, "unknown tokenizer")]
    [InlineData(new[] { "tokenize", "--tokenizer", "gpt2", "--max-tokens", "1" }, "--max-tokens")]
    [InlineData(new[] { "tokenize", "--tokenizer", "gpt2", "--bogus", "1" }, "--bogus")]
    [InlineData(new[] { "tokenize", "--tokenizer", "gpt2", "--max-length", "1" }, "--max-length must be at least 2")]
    [InlineData(new[] { "tokenize", "--tokenizer", "gpt2", "--max-length", "8", "--truncation", "middle" }, "unknown --truncation 'middle'")]
    [InlineData(new[] { "tokenize", "--tokenizer", "gpt2", "--truncation", "only_first" }, "--truncation needs --max-length")]
    [InlineData(new[] { "tokenize", "--tokenizer", "gpt2", "--max-length", "8", "--max-tokens", "8" }, "not both")]
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
