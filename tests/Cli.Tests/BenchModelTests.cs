using MlNetGraviton.Cli.ModelBench;

namespace MlNetGraviton.Cli.Tests;

public sealed class BenchModelTests
{
    [Fact]
    public void WritesOrtBenchmarkCsvColumnsSummaryAndChart()
    {
        using var dir = new TempDir();
        string csv = dir["r.csv"];
        (int code, string stdout, string stderr) = CliRunner.Run("bench", "model", "-m", "bert-tiny-uncased", "-s", "4", "8", "-t", "3",
            "--warmup", "1", "--threads", "1", "--csv", csv);
        Assert.True(code == 0, stderr);
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal(string.Join(',', BenchCsv.Columns), lines[0]);
        Assert.Equal("engine,version,providers,device,precision,optimizer,io_binding,model_name,inputs,threads,batch_size,sequence_length,test_times,QPS,average_latency_ms,latency_variance,latency_90_percentile,latency_95_percentile,latency_99_percentile,cpu,kernel", lines[0]);
        // graviton, ort and mlnet for each of the two sequence lengths.
        Assert.Equal(7, lines.Length);
        Assert.Contains(lines.Skip(1), l => l.StartsWith("ort,", StringComparison.Ordinal) && l.Contains(",bert-tiny-uncased,3,1,1,8,3,", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(1), l => l.StartsWith("mlnet,", StringComparison.Ordinal) && l.Contains(",bert-tiny-uncased,3,1,1,4,3,", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(1), l => l.StartsWith("graviton,", StringComparison.Ordinal) && l.Contains(",bert-tiny-uncased,3,1,1,8,3,", StringComparison.Ordinal));
        Assert.DoesNotContain("unavailable: graviton fp32", stdout);
        Assert.Contains("mlnet/ort", stdout);
        string png = Assert.Single(Directory.GetFiles(dir.Path, "*.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
    }

    [Fact]
    public void Int8CellsRunTheQuantizedGraphOnEveryEngine()
    {
        using var dir = new TempDir();
        string csv = dir["r.csv"];
        (int code, string stdout, string stderr) = CliRunner.Run("bench", "model", "-m", "bert-tiny-uncased", "-p", "fp32", "int8", "-s", "8",
            "-t", "2", "--warmup", "1", "--threads", "1", "--csv", csv, "--no-chart");
        Assert.True(code == 0, stderr);
        string[] rows = File.ReadAllLines(csv).Skip(1).ToArray();
        foreach (string engine in new[] { "graviton", "ort", "mlnet" })
        {
            Assert.Contains(rows, l => l.StartsWith(engine + ",", StringComparison.Ordinal) && l.Contains(",int8,", StringComparison.Ordinal));
            Assert.Contains(rows, l => l.StartsWith(engine + ",", StringComparison.Ordinal) && l.Contains(",fp32,", StringComparison.Ordinal));
        }
        Assert.DoesNotContain("unavailable: graviton int8", stdout);
        // The graviton int8 row's kernel column is the session's description: it ran quantized, not fp32.
        Assert.Contains(rows, l => l.StartsWith("graviton,", StringComparison.Ordinal) && l.Contains("graviton engine, int8", StringComparison.Ordinal));
    }

    [Fact]
    public void RunsARealPretrainedModelFromItsPackage()
    {
        using var dir = new TempDir();
        string csv = dir["r.csv"];
        (int code, string stdout, string stderr) = CliRunner.Run("bench", "model", "-m", "all-MiniLM-L6-v2", "-s", "8", "-t", "2",
            "--warmup", "1", "--threads", "1", "--engines", "graviton", "ort", "--csv", csv, "--no-chart");
        Assert.True(code == 0, stderr);
        string[] rows = File.ReadAllLines(csv).Skip(1).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.All(rows, r => Assert.Contains(",all-MiniLM-L6-v2,", r));
        Assert.DoesNotContain("unavailable", stdout);
    }

    [Fact]
    public void UnknownModelNamesTheRealModelsToo()
    {
        (int code, _, string stderr) = CliRunner.Run("bench", "model", "-m", "bert-huge");
        Assert.Equal(2, code);
        Assert.Contains("all-MiniLM-L6-v2", stderr);
        Assert.Contains("arctic-embed-xs", stderr);
    }

    [Theory]
    [InlineData(new[] { "bench", "model", "-m", "bert-huge" }, "unknown model 'bert-huge'")]
    [InlineData(new[] { "bench", "model", "-m", "bert-tiny-uncased", "-p", "fp64" }, "unknown precision 'fp64'")]
    [InlineData(new[] { "bench", "model", "-m", "bert-tiny-uncased", "--engines", "tvm" }, "unknown engine 'tvm'")]
    [InlineData(new[] { "bench", "model", "-m", "bert-tiny-uncased", "-s", "0" }, "must be positive")]
    [InlineData(new[] { "bench", "model", "-m", "bert-tiny-uncased", "-s", "1024", "--engines", "ort", "-t", "1" }, "exceeds its 512 positions")]
    [InlineData(new[] { "bench" }, "bench needs a subcommand")]
    public void BadArgumentsAreUsageErrors(string[] args, string expected)
    {
        (int code, _, string stderr) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public void LatencyStatsFollowOrtsBenchmarkHelper()
    {
        // numpy: percentile([0.001, 0.002, 0.003, 0.004], 90) = 0.0037; var = 1.25e-6; QPS = batch * 1000 / mean_ms.
        LatencyStats s = LatencyStats.From([0.001, 0.002, 0.003, 0.004], batchSize: 2);
        Assert.Equal(2.5, s.AverageMs, 9);
        Assert.Equal(1.25e-3, s.Variance, 12);
        Assert.Equal(3.7, s.P90Ms, 9);
        Assert.Equal(800.0, s.Qps, 9);
    }
}
