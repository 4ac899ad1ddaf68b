using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// The int8 multiply-accumulate peak of the instruction the selected QGEMM kernel is built on, as a leaf loop of
/// independent accumulators (no loads), on T threads: the ceiling int8 GEMM is measured against.
/// x86: VPDPBUSD zmm with AVX512-VNNI (emitted: .NET 10 has no 512-bit intrinsic without AVX10), else VPDPBUSD ymm
/// with AVX-VNNI, else VPMADDUBSW + VPMADDWD (by ones) + VPADDD ymm, the AVX2 kernel's step (32 MACs per triple);
/// Arm64: SDOT with DotProd, else SMLAL. One multiply-accumulate counts as two operations.
/// </summary>
public static class QgemmPeak
{
    private enum Loop { Vnni512, Vnni, MaddUbsW, Sdot, Smlal, None }

    // 24 independent zmm accumulators per iteration (latency 4-5 × 2 pipes, with room), a counted loop around them.
    private const int Vnni512Chains = 24;

    private static readonly Lazy<Emit.ExecutableMemory> s_vnni512 = new(() => Emit.ExecutableMemory.FromBytes(EmitVnni512Loop()));

    private static Loop Kind(CpuFeatures cpu) =>
        cpu.IsX64 && cpu.Avx512F && cpu.Avx512Vnni && Emit.ExecutableMemory.IsSupported
            && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64 ? Loop.Vnni512
        : cpu.AvxVnni && AvxVnni.IsSupported ? Loop.Vnni
        : cpu.Avx2 && Avx2.IsSupported ? Loop.MaddUbsW
        : cpu.DotProd && Dp.IsSupported ? Loop.Sdot
        : cpu.AdvSimd && AdvSimd.IsSupported ? Loop.Smlal
        : Loop.None;

    /// <summary>What the loop is, e.g. "Vector256 VPMADDUBSW+VPMADDWD+VPADDD leaf loop".</summary>
    public static string Description(CpuFeatures? cpu = null) => Kind(cpu ?? CpuFeatures.Current) switch
    {
        Loop.Vnni512 => "Vector512 VPDPBUSD leaf loop (emitted)",
        Loop.Vnni => "Vector256 VPDPBUSD leaf loop",
        Loop.MaddUbsW => "Vector256 VPMADDUBSW+VPMADDWD+VPADDD leaf loop",
        Loop.Sdot => "Vector128 SDOT leaf loop",
        Loop.Smlal => "Vector128 SMLAL leaf loop",
        _ => "no vector int8 loop on this CPU",
    };

    /// <summary>Best GOP/s over three repetitions of about <paramref name="seconds"/> / 3 each (0 when no vector loop applies).</summary>
    public static double MeasureGops(int threads, CpuFeatures? cpu = null, double seconds = 0.3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        threads = Math.Min(threads, KernelThreadPool.MaxThreads);
        Loop kind = Kind(cpu ?? CpuFeatures.Current);
        if (kind == Loop.None)
            return 0;
        var task = new PeakTask { Kind = kind, Iterations = 20_000 };
        KernelThreadPool.Shared.For(ref task, threads, threads); // warm-up and JIT
        long t0 = Stopwatch.GetTimestamp();
        KernelThreadPool.Shared.For(ref task, threads, threads);
        double calibration = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        task.Iterations = Math.Max(1000, (long)(task.Iterations * (seconds / 3) / Math.Max(calibration, 1e-6)));
        double opsPerIteration = kind switch
        {
            Loop.Vnni512 => Vnni512Chains * 64 * 2.0, // VPDPBUSD zmm: 64 MACs each
            Loop.Vnni => 12 * 32 * 2.0,   // 12 × VPDPBUSD ymm: 32 MACs each
            Loop.MaddUbsW => 12 * 32 * 2.0, // 12 × VPMADDUBSW ymm (+ VPMADDWD, VPADDD): 32 MACs each
            Loop.Sdot => 16 * 16 * 2.0,   // 16 × SDOT: 16 MACs each
            _ => 16 * 4 * 2.0,            // 16 × SMLAL: 4 MACs each
        };
        double best = 0;
        for (int r = 0; r < 3; r++)
        {
            long start = Stopwatch.GetTimestamp();
            KernelThreadPool.Shared.For(ref task, threads, threads);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, task.Iterations * opsPerIteration * threads / elapsed / 1e9);
        }
        return best;
    }

    private struct PeakTask : ITileTask
    {
        public Loop Kind;
        public long Iterations;
        public int Sink;

        public void Run(int taskIndex)
        {
            Sink += Kind switch
            {
                Loop.Vnni512 => RunVnni512(Iterations),
                Loop.Vnni => LoopVnni(Iterations),
                Loop.MaddUbsW => LoopMaddUbsW(Iterations),
                Loop.Sdot => LoopSdot(Iterations),
                _ => LoopSmlal(Iterations),
            };
        }
    }

    private static unsafe int RunVnni512(long iterations)
        => ((delegate* unmanaged<long, int>)s_vnni512.Value.Address)(iterations);

    /// <summary>int f(long n): n iterations of <see cref="Vnni512Chains"/> independent VPDPBUSD zmm, no loads; returns 0.</summary>
    internal static byte[] EmitVnni512Loop()
    {
        var asm = new Emit.X64Assembler();
        const int Ones = 30, Signed = 31;
        for (int r = 0; r < 32; r++)
            asm.Vpxord(r, r, r);
        Emit.X64Label loop = asm.NewLabel(), done = asm.NewLabel();
        asm.Mov(Emit.X64Reg.Rax, Emit.X64Reg.Rdi);
        asm.Test(Emit.X64Reg.Rax, Emit.X64Reg.Rax);
        asm.Jz(done);
        asm.Bind(loop);
        for (int r = 0; r < Vnni512Chains; r++)
            asm.Vpdpbusd(r, Ones, Signed);
        asm.Dec(Emit.X64Reg.Rax);
        asm.Jnz(loop);
        asm.Bind(done);
        asm.Vzeroupper();
        asm.Ret(); // rax = 0 after the loop
        return asm.ToBytes();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LoopMaddUbsW(long iterations)
    {
        // Each step reads its own accumulator, so no two are alike (the JIT would merge identical ones) and every
        // chain is VPMADDUBSW → VPMADDWD → VPADDD, as in the kernel; 12 chains cover the latency.
        Vector256<sbyte> y = Vector256.Create((sbyte)-5);
        Vector256<short> ones = Vector256.Create((short)1);
        Vector256<int> a0 = Vector256.Create(1), a1 = Vector256.Create(2), a2 = Vector256.Create(3), a3 = Vector256.Create(4);
        Vector256<int> a4 = Vector256.Create(5), a5 = Vector256.Create(6), a6 = Vector256.Create(7), a7 = Vector256.Create(8);
        Vector256<int> a8 = Vector256.Create(9), a9 = Vector256.Create(10), a10 = Vector256.Create(11), a11 = Vector256.Create(12);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a0.AsByte(), y), ones));
            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a1.AsByte(), y), ones));
            a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a2.AsByte(), y), ones));
            a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a3.AsByte(), y), ones));
            a4 = Avx2.Add(a4, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a4.AsByte(), y), ones));
            a5 = Avx2.Add(a5, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a5.AsByte(), y), ones));
            a6 = Avx2.Add(a6, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a6.AsByte(), y), ones));
            a7 = Avx2.Add(a7, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a7.AsByte(), y), ones));
            a8 = Avx2.Add(a8, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a8.AsByte(), y), ones));
            a9 = Avx2.Add(a9, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a9.AsByte(), y), ones));
            a10 = Avx2.Add(a10, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a10.AsByte(), y), ones));
            a11 = Avx2.Add(a11, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a11.AsByte(), y), ones));
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LoopVnni(long iterations)
    {
        Vector256<byte> x = Vector256.Create((byte)3);
        Vector256<sbyte> y = Vector256.Create((sbyte)-5);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector256<int> a6 = default, a7 = default, a8 = default, a9 = default, a10 = default, a11 = default;
        for (long i = 0; i < iterations; i++)
        {
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, x, y); a1 = AvxVnni.MultiplyWideningAndAdd(a1, x, y);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, x, y); a3 = AvxVnni.MultiplyWideningAndAdd(a3, x, y);
            a4 = AvxVnni.MultiplyWideningAndAdd(a4, x, y); a5 = AvxVnni.MultiplyWideningAndAdd(a5, x, y);
            a6 = AvxVnni.MultiplyWideningAndAdd(a6, x, y); a7 = AvxVnni.MultiplyWideningAndAdd(a7, x, y);
            a8 = AvxVnni.MultiplyWideningAndAdd(a8, x, y); a9 = AvxVnni.MultiplyWideningAndAdd(a9, x, y);
            a10 = AvxVnni.MultiplyWideningAndAdd(a10, x, y); a11 = AvxVnni.MultiplyWideningAndAdd(a11, x, y);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LoopSdot(long iterations)
    {
        Vector128<sbyte> x = Vector128.Create((sbyte)3), y = Vector128.Create((sbyte)-5);
        Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector128<int> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Dp.DotProduct(a0, x, y); a1 = Dp.DotProduct(a1, x, y); a2 = Dp.DotProduct(a2, x, y); a3 = Dp.DotProduct(a3, x, y);
            a4 = Dp.DotProduct(a4, x, y); a5 = Dp.DotProduct(a5, x, y); a6 = Dp.DotProduct(a6, x, y); a7 = Dp.DotProduct(a7, x, y);
            a8 = Dp.DotProduct(a8, x, y); a9 = Dp.DotProduct(a9, x, y); a10 = Dp.DotProduct(a10, x, y); a11 = Dp.DotProduct(a11, x, y);
            a12 = Dp.DotProduct(a12, x, y); a13 = Dp.DotProduct(a13, x, y); a14 = Dp.DotProduct(a14, x, y); a15 = Dp.DotProduct(a15, x, y);
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int LoopSmlal(long iterations)
    {
        Vector64<short> x = Vector64.Create((short)3), y = Vector64.Create((short)-5);
        Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector128<int> a8 = default, a9 = default, a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default;
        for (long i = 0; i < iterations; i++)
        {
            a0 = AdvSimd.MultiplyWideningLowerAndAdd(a0, x, y); a1 = AdvSimd.MultiplyWideningLowerAndAdd(a1, x, y);
            a2 = AdvSimd.MultiplyWideningLowerAndAdd(a2, x, y); a3 = AdvSimd.MultiplyWideningLowerAndAdd(a3, x, y);
            a4 = AdvSimd.MultiplyWideningLowerAndAdd(a4, x, y); a5 = AdvSimd.MultiplyWideningLowerAndAdd(a5, x, y);
            a6 = AdvSimd.MultiplyWideningLowerAndAdd(a6, x, y); a7 = AdvSimd.MultiplyWideningLowerAndAdd(a7, x, y);
            a8 = AdvSimd.MultiplyWideningLowerAndAdd(a8, x, y); a9 = AdvSimd.MultiplyWideningLowerAndAdd(a9, x, y);
            a10 = AdvSimd.MultiplyWideningLowerAndAdd(a10, x, y); a11 = AdvSimd.MultiplyWideningLowerAndAdd(a11, x, y);
            a12 = AdvSimd.MultiplyWideningLowerAndAdd(a12, x, y); a13 = AdvSimd.MultiplyWideningLowerAndAdd(a13, x, y);
            a14 = AdvSimd.MultiplyWideningLowerAndAdd(a14, x, y); a15 = AdvSimd.MultiplyWideningLowerAndAdd(a15, x, y);
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11 + a12 + a13 + a14 + a15);
    }
}
