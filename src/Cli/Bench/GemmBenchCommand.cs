using System.Globalization;
using MlNetGraviton.Kernels;

namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// `bench gemm`: our GEMM against ONNX Runtime and the measured peak, one line per engine (format pinned in the
/// conventions: `graviton fp32 M=.. K=.. N=.. threads=..: X GFLOP/s (...)`, then `ort ...`, `peak ...`, ratios).
/// </summary>
internal static class GemmBenchCommand
{
    public const string Usage =
        "bench gemm [--m M --k K --n N] [--precision fp32|int8|bf16] [--threads T]... [--runs R] [--seconds S] | bench gemm --arm-model";

    private static readonly GemmShape[] DefaultShapes = [new(128, 768, 768), new(128, 768, 3072), new(128, 3072, 768)];

    public static int Run(string[] args, TextWriter output)
    {
        var cl = new CommandLineArgs(args, new HashSet<string> { "arm-model" });
        if (cl.Flag("arm-model"))
        {
            // A model of the emitted Arm64 kernels (llvm-mca, Neoverse V1): nothing is timed, so no other option applies.
            cl.EnsureAllRead(0);
            ArmModel.ArmModelReport.Write(output);
            return 0;
        }
        int? m = OptionalPositive(cl, "m"), k = OptionalPositive(cl, "k"), n = OptionalPositive(cl, "n");
        string precisionName = cl.Value("precision", "p") ?? "fp32";
        int[] threadCounts = cl.Values("threads").Select(t => Positive("threads", t)).DefaultIfEmpty(1).ToArray();
        int? runs = OptionalPositive(cl, "runs");
        double seconds = Seconds(cl.Value("seconds"));
        cl.EnsureAllRead(0);

        GemmShape[] shapes;
        if (m is null && k is null && n is null)
            shapes = DefaultShapes;
        else if (m is int mm && k is int kk && n is int nn)
            shapes = [new GemmShape(mm, kk, nn)];
        else
            throw new UsageException("give --m, --k and --n together (or none for the default shapes)");
        if (!GemmBenchPrecisions.Names.Contains(precisionName))
            throw new UsageException($"unknown precision '{precisionName}' (expected {string.Join(", ", GemmBenchPrecisions.Names)})");
        foreach (GemmShape s in shapes)
        {
            if ((long)s.M * s.K > int.MaxValue / 2 || (long)s.K * s.N > int.MaxValue / 2 || (long)s.M * s.N > int.MaxValue / 2)
                throw new UsageException($"shape {s} is too large for bench gemm");
        }

        IGemmBenchPrecision? precision = GemmBenchPrecisions.Find(precisionName);
        if (precision is null)
        {
            output.WriteLine($"{precisionName}: not available yet");
            return 0;
        }
        string? unavailable = precision.Unavailable(CpuFeatures.Current);
        if (unavailable is not null)
            throw new NotSupportedException(unavailable);

        foreach (int threads in threadCounts)
        {
            (double peak, string peakDescription) = precision.MeasurePeak(threads);
            foreach (GemmShape shape in shapes)
                BenchShape(output, precision, shape, threads, runs, seconds, peak, peakDescription);
        }
        return 0;
    }

    private static void BenchShape(TextWriter output, IGemmBenchPrecision precision, GemmShape shape, int threads,
        int? runs, double seconds, double peak, string peakDescription)
    {
        var rng = new Random(shape.M * 31 + shape.K * 7 + shape.N);
        float[] a = new float[shape.M * shape.K], b = new float[shape.K * shape.N];
        for (int i = 0; i < a.Length; i++)
            a[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < b.Length; i++)
            b[i] = (float)(rng.NextDouble() * 2 - 1);

        IReadOnlyList<IGemmBenchEngine> engines = precision.CreateEngines(shape, threads, a, b);
        try
        {
            double[] median = GemmBenchTiming.MedianSeconds(engines, runs, seconds);
            double[] rate = median.Select(t => shape.Operations / t / 1e9).ToArray();
            for (int e = 0; e < engines.Count; e++)
                output.WriteLine(Invariant($"{engines[e].Name} {engines[e].Precision ?? precision.Name} {shape} threads={threads}: {rate[e]:F1} {precision.Unit} ({engines[e].Detail})"));
            output.WriteLine(Invariant($"peak {precision.Name} threads={threads}: {peak:F1} {precision.Unit} ({peakDescription})"));
            var ratios = new List<string>();
            for (int e = 1; e < engines.Count; e++)
                ratios.Add(Invariant($"{engines[0].Name}/{engines[e].Name}{(engines[e].Precision is { } p ? "-" + p : "")}: {rate[0] / rate[e]:F2}"));
            ratios.Add(Invariant($"{engines[0].Name}/peak: {100 * rate[0] / peak:F1}%"));
            output.WriteLine("ratio " + string.Join("  ", ratios));
        }
        finally
        {
            foreach (IGemmBenchEngine engine in engines)
                engine.Dispose();
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static int? OptionalPositive(CommandLineArgs cl, string name)
    {
        string? text = cl.Value(name);
        return text is null ? null : Positive(name, text);
    }

    private static int Positive(string name, string text)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < 1)
            throw new UsageException($"option --{name} expects a positive integer, got '{text}'");
        return value;
    }

    private static double Seconds(string? text)
    {
        if (text is null)
            return 1.0;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0) || value > 3600)
            throw new UsageException($"option --seconds expects a positive number of seconds, got '{text}'");
        return value;
    }
}
