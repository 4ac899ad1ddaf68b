using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// The machine's fp32 FMA peak as a leaf loop of independent vector FMAs (no loads), run on T threads: the ceiling
/// SGEMM is measured against. Vector512 when the JIT accelerates it (AVX-512), Vector256 with
/// FMA on x86, Vector128 (FMLA) on Arm64.
/// </summary>
public static unsafe class SgemmPeak
{
    // Independent FMA chains ≥ latency × pipes: 12 for x86 (4 × 2), 16 for Neoverse V1's 128-bit FMLA (4 × 4).

    /// <summary>What the loop is, e.g. "Vector256 FMA leaf loop".</summary>
    public static string Description =>
        Vector512.IsHardwareAccelerated ? "Vector512 FMA leaf loop"
        : Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported ? "Vector256 FMA leaf loop"
        : "Vector128 FMA leaf loop";

    /// <summary>Best GFLOP/s over a few repetitions of about <paramref name="seconds"/> / 3 each, on <paramref name="threads"/> threads.</summary>
    public static double MeasureGflops(int threads, double seconds = 0.3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        threads = Math.Min(threads, KernelThreadPool.MaxThreads);
        var task = new PeakTask { Iterations = 20_000 };
        Run(ref task, threads); // warm-up and JIT
        long t0 = Stopwatch.GetTimestamp();
        Run(ref task, threads);
        double calibration = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        task.Iterations = Math.Max(1000, (long)(task.Iterations * (seconds / 3) / Math.Max(calibration, 1e-6)));
        double best = 0;
        for (int r = 0; r < 3; r++)
        {
            long start = Stopwatch.GetTimestamp();
            Run(ref task, threads);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, task.Iterations * FlopsPerIteration * threads / elapsed / 1e9);
        }
        return best;
    }

    /// <summary>Runs the peak loop for about <paramref name="flops"/> operations on <paramref name="threads"/> threads
    /// (benchmarks time it next to a GEMM of the same operation count).</summary>
    public static void RunFlops(double flops, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        threads = Math.Min(threads, KernelThreadPool.MaxThreads);
        var task = new PeakTask { Iterations = Math.Max(1, (long)(flops / FlopsPerIteration / threads)) };
        Run(ref task, threads);
    }

    private static double FlopsPerIteration =>
        Vector512.IsHardwareAccelerated ? 2.0 * 12 * 16 : Vector256.IsHardwareAccelerated ? 2.0 * 12 * 8 : 2.0 * 16 * 4;

    private static void Run(ref PeakTask task, int threads) => KernelThreadPool.Shared.For(ref task, threads, threads);

    private struct PeakTask : ITileTask
    {
        public long Iterations;
        public float Sink;

        public void Run(int taskIndex)
        {
            float r = Vector512.IsHardwareAccelerated ? Loop512(Iterations)
                : Vector256.IsHardwareAccelerated ? Loop256(Iterations)
                : Loop128(Iterations);
            Sink += r; // keeps the loop's result alive
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop256(long iterations)
    {
        Vector256<float> x = Vector256.Create(0.999f), y = Vector256.Create(0.001f);
        Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, x, y); a1 = Vector256.FusedMultiplyAdd(a1, x, y);
            a2 = Vector256.FusedMultiplyAdd(a2, x, y); a3 = Vector256.FusedMultiplyAdd(a3, x, y);
            a4 = Vector256.FusedMultiplyAdd(a4, x, y); a5 = Vector256.FusedMultiplyAdd(a5, x, y);
            a6 = Vector256.FusedMultiplyAdd(a6, x, y); a7 = Vector256.FusedMultiplyAdd(a7, x, y);
            a8 = Vector256.FusedMultiplyAdd(a8, x, y); a9 = Vector256.FusedMultiplyAdd(a9, x, y);
            a10 = Vector256.FusedMultiplyAdd(a10, x, y); a11 = Vector256.FusedMultiplyAdd(a11, x, y);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop512(long iterations)
    {
        Vector512<float> x = Vector512.Create(0.999f), y = Vector512.Create(0.001f);
        Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y);
            a2 = Vector512.FusedMultiplyAdd(a2, x, y); a3 = Vector512.FusedMultiplyAdd(a3, x, y);
            a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y);
            a8 = Vector512.FusedMultiplyAdd(a8, x, y); a9 = Vector512.FusedMultiplyAdd(a9, x, y);
            a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    // 16 chains: Neoverse V1 has 4 FMLA pipes of latency 4.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop128(long iterations)
    {
        Vector128<float> x = Vector128.Create(0.999f), y = Vector128.Create(0.001f);
        Vector128<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x;
        Vector128<float> a8 = x, a9 = x, a10 = x, a11 = x, a12 = x, a13 = x, a14 = x, a15 = x;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector128.FusedMultiplyAdd(a0, x, y); a1 = Vector128.FusedMultiplyAdd(a1, x, y);
            a2 = Vector128.FusedMultiplyAdd(a2, x, y); a3 = Vector128.FusedMultiplyAdd(a3, x, y);
            a4 = Vector128.FusedMultiplyAdd(a4, x, y); a5 = Vector128.FusedMultiplyAdd(a5, x, y);
            a6 = Vector128.FusedMultiplyAdd(a6, x, y); a7 = Vector128.FusedMultiplyAdd(a7, x, y);
            a8 = Vector128.FusedMultiplyAdd(a8, x, y); a9 = Vector128.FusedMultiplyAdd(a9, x, y);
            a10 = Vector128.FusedMultiplyAdd(a10, x, y); a11 = Vector128.FusedMultiplyAdd(a11, x, y);
            a12 = Vector128.FusedMultiplyAdd(a12, x, y); a13 = Vector128.FusedMultiplyAdd(a13, x, y);
            a14 = Vector128.FusedMultiplyAdd(a14, x, y); a15 = Vector128.FusedMultiplyAdd(a15, x, y);
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }
}
