namespace MlNetGraviton.Cli.Tests;

/// <summary>
/// `bench tokenize` prints `graviton ...`, `mstokenizers ...` and `ratio ...` lines like `bench gemm`, and checks the
/// peer's ids against ours. No timing assertions: the rates are only matched as numbers.
/// </summary>
public sealed class BenchTokenizeTests
{
    private const string Rate = @"\d+\.\d+ [MK] tokens/s";

    [Fact]
    public void Gpt2_on_a_jsonl_file_agrees_with_tiktoken_on_every_text()
    {
        // Microsoft.ML.Tokenizers' TiktokenTokenizer is Hugging Face-exact for gpt2: an independent check of our ids.
        string dir = Directory.CreateTempSubdirectory("bench-tokenize-").FullName;
        try
        {
            string input = Path.Combine(dir, "texts.jsonl");
            File.WriteAllLines(input, [
                """{"text": "Hello world, it's a test."}""",
                "",
                """{"text": "  Spaces   and\ttabs\nand new lines 123 4567"}""",
                """{"text": "Unicode: café naïve 日本語 🙂 ÆØÅ"}""",
                """{"text": "don't won't they'll I'd we've"}""",
            ]);
            var (code, stdout, stderr) = CliRunner.Run("bench", "tokenize", "-t", "gpt2", "--input", input, "--seconds", "0.01", "--threads", "1", "--threads", "2");
            Assert.True(code == 0, stderr);
            string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(7, lines.Length);
            Assert.Equal($"bench tokenize: 4 texts from {input}", lines[0]);
            for (int t = 1; t <= 2; t++)
            {
                int at = 1 + (t - 1) * 3;
                Assert.Matches($@"^graviton gpt2 threads={t}: {Rate} \(\d+ texts/s, \d+ tokens per pass, gpt2 byte-level BPE, Hugging Face-exact\)$", lines[at]);
                Assert.Matches($@"^mstokenizers gpt2 threads={t}: {Rate} \(\d+ texts/s, \d+ tokens per pass, Microsoft\.ML\.Tokenizers \d+\.\d+\.\d+ TiktokenTokenizer gpt2; ids differ from ours on 0 of 4 texts\)$", lines[at + 1]);
                Assert.Matches(@"^ratio graviton/mstokenizers: \d+\.\d\d \(texts per second\)$", lines[at + 2]);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Default_corpus_runs_every_tokenizer()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench", "tokenize", "--seconds", "0.01");
        Assert.True(code == 0, stderr);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("bench tokenize: 3000 texts from the 3,000 UCI sentences", lines[0]);
        foreach (string name in new[] { "bert", "roberta", "gpt2" })
        {
            Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^graviton {name} threads=1: {Rate} "));
            Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^mstokenizers {name} threads=1: {Rate} .*ids differ from ours on \d+ of 3000 texts\)$"));
        }
        Assert.Contains("mstokenizers gpt2 threads=1:", stdout);
        Assert.Contains("ids differ from ours on 0 of 3000 texts", lines.Single(l => l.StartsWith("mstokenizers gpt2", StringComparison.Ordinal)));
        Assert.Equal(3, lines.Count(l => l.StartsWith("ratio graviton/mstokenizers: ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("-t", "wordpiece")]
    [InlineData("--threads", "0")]
    [InlineData("--seconds", "-1")]
    [InlineData("--seconds", "x")]
    [InlineData("--bogus", "1")]
    public void Bad_options_are_usage_errors(params string[] options)
    {
        var (code, stdout, stderr) = CliRunner.Run(["bench", "tokenize", .. options]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: ", stderr);
    }

    [Theory]
    [InlineData(null, "input file not found")]
    [InlineData("""{"text": "ok"}""" + "\n{not json", ":2: not valid JSON")]
    [InlineData("""{"txt": "no text field"}""", ":1: expected a JSON object with a string \"text\"")]
    [InlineData("\n\n", "no texts to tokenize")]
    public void Bad_input_files_name_the_file_and_line(string? content, string message)
    {
        string dir = Directory.CreateTempSubdirectory("bench-tokenize-").FullName;
        try
        {
            string input = Path.Combine(dir, "in.jsonl");
            if (content is not null)
                File.WriteAllText(input, content);
            var (code, stdout, stderr) = CliRunner.Run("bench", "tokenize", "-t", "gpt2", "--input", input, "--seconds", "0.01");
            Assert.Equal(1, code);
            Assert.Contains(input, stderr);
            Assert.Contains(message, stderr);
            Assert.DoesNotContain("graviton gpt2", stdout);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
