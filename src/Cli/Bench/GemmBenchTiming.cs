using System.Diagnostics;

namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// Times engines interleaved, so machine noise hits all of them alike: each round runs every engine once untimed
/// (its threads wake, caches refill after the other engine) and once timed. Warm-up is excluded; the median is kept.
/// </summary>
internal static class GemmBenchTiming
{
    private const int WarmupRuns = 3;
    private const int MinSamples = 5;
    private const int MaxSamples = 2000;

    /// <summary>Median seconds per run for each engine: exactly <paramref name="runs"/> samples each, or as many as fit in <paramref name="seconds"/>.</summary>
    public static double[] MedianSeconds(IReadOnlyList<IGemmBenchEngine> engines, int? runs, double seconds)
    {
        foreach (IGemmBenchEngine engine in engines)
            for (int i = 0; i < WarmupRuns; i++)
                engine.Run();

        var samples = engines.Select(_ => new List<double>()).ToArray();
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            int have = samples[0].Count;
            if (runs is int r ? have >= r : have >= MaxSamples || (have >= MinSamples && Stopwatch.GetElapsedTime(start).TotalSeconds >= seconds))
                break;
            for (int e = 0; e < engines.Count; e++)
            {
                engines[e].Run();
                long t0 = Stopwatch.GetTimestamp();
                engines[e].Run();
                samples[e].Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }
        }
        return samples.Select(Median).ToArray();
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    }
}
