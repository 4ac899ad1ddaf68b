using MlNetGraviton.Kernels;

namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// One precision of `bench gemm` (fp32, int8, bf16): the engines it compares and the peak it is measured against.
/// To add a precision, implement this and list it in <see cref="GemmBenchPrecisions"/>.
/// </summary>
internal interface IGemmBenchPrecision
{
    /// <summary>The --precision value, e.g. "int8".</summary>
    string Name { get; }

    /// <summary>"GFLOP/s" or "GOP/s" (integer precisions).</summary>
    string Unit { get; }

    /// <summary>Null when this CPU can run it; otherwise why not, naming the missing feature or piece.</summary>
    string? Unavailable(CpuFeatures cpu);

    /// <summary>
    /// The engines to compare on one shape, in print order: ours ("graviton") first, then the baseline ("ort").
    /// <paramref name="a"/> [M, K] and <paramref name="b"/> [K, N] are the same data for every engine.
    /// </summary>
    IReadOnlyList<IGemmBenchEngine> CreateEngines(GemmShape shape, int threads, float[] a, float[] b);

    /// <summary>The measured peak of this precision's leaf loop on <paramref name="threads"/> threads, and what it is.</summary>
    (double Rate, string Description) MeasurePeak(int threads);
}

/// <summary>One engine prepared for one shape: set-up (packing, session creation) is done; <see cref="Run"/> is timed.</summary>
internal interface IGemmBenchEngine : IDisposable
{
    /// <summary>"graviton" or "ort": the first word of its output line.</summary>
    string Name { get; }

    /// <summary>What ran, shown in parentheses, e.g. "kernel Sgemm_6x16_Avx2Fma".</summary>
    string Detail { get; }

    /// <summary>One full product; only this call is timed.</summary>
    void Run();

    /// <summary>The precision this engine computes in when it differs from the bench's (a baseline), else null.</summary>
    string? Precision => null;
}
