using System.Globalization;
using System.Text;

namespace MlNetGraviton.Cli.ModelBench;

/// <summary>The CSV of ONNX Runtime's transformers benchmark, plus the cpu and kernel columns.</summary>
internal static class BenchCsv
{
    public static readonly string[] Columns =
    [
        "engine", "version", "providers", "device", "precision", "optimizer", "io_binding", "model_name", "inputs", "threads",
        "batch_size", "sequence_length", "test_times", "QPS", "average_latency_ms", "latency_variance",
        "latency_90_percentile", "latency_95_percentile", "latency_99_percentile", "cpu", "kernel",
    ];

    public static void Write(string path, IEnumerable<BenchResult> results)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
            Directory.CreateDirectory(dir);
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', Columns));
        foreach (BenchResult r in results)
        {
            string[] cells =
            [
                r.Engine, r.Version, r.Providers, "cpu", r.Precision, r.Optimizer, "False", r.ModelName,
                r.Inputs.ToString(CultureInfo.InvariantCulture), r.Threads.ToString(CultureInfo.InvariantCulture),
                r.BatchSize.ToString(CultureInfo.InvariantCulture), r.SequenceLength.ToString(CultureInfo.InvariantCulture),
                r.Stats.TestTimes.ToString(CultureInfo.InvariantCulture), LatencyStats.F2(r.Stats.Qps), LatencyStats.F2(r.Stats.AverageMs),
                LatencyStats.F2(r.Stats.Variance), LatencyStats.F2(r.Stats.P90Ms), LatencyStats.F2(r.Stats.P95Ms), LatencyStats.F2(r.Stats.P99Ms),
                r.Cpu, r.Kernel,
            ];
            sb.AppendLine(string.Join(',', cells.Select(Escape)));
        }
        File.WriteAllText(path, sb.ToString());
    }

    private static string Escape(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
