using System.Globalization;

namespace MlNetGraviton.Cli.ModelBench;

/// <summary>
/// Latency figures computed the way ONNX Runtime's transformers benchmark does (benchmark_helper.get_latency_result):
/// average and percentiles in ms, variance of the per-run seconds times 1000, QPS = batch / average latency.
/// </summary>
internal sealed record LatencyStats(int TestTimes, double AverageMs, double Variance, double P90Ms, double P95Ms, double P99Ms, double Qps)
{
    public static LatencyStats From(IReadOnlyList<double> secondsPerRun, int batchSize)
    {
        if (secondsPerRun.Count == 0)
            throw new ArgumentException("no runs were timed", nameof(secondsPerRun));
        double mean = secondsPerRun.Average();
        double variance = secondsPerRun.Sum(s => (s - mean) * (s - mean)) / secondsPerRun.Count;
        double[] sorted = secondsPerRun.Order().ToArray();
        return new LatencyStats(
            secondsPerRun.Count,
            mean * 1000.0,
            variance * 1000.0,
            Percentile(sorted, 90) * 1000.0,
            Percentile(sorted, 95) * 1000.0,
            Percentile(sorted, 99) * 1000.0,
            batchSize * (1000.0 / (mean * 1000.0)));
    }

    /// <summary>numpy.percentile's default (linear interpolation between closest ranks).</summary>
    public static double Percentile(double[] sorted, double percent)
    {
        if (sorted.Length == 1)
            return sorted[0];
        double rank = percent / 100.0 * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static string F2(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
