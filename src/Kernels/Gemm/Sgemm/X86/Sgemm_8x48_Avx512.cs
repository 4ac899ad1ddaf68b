using System.Runtime.InteropServices;
using MlNetGraviton.Kernels.Emit;
using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// fp32 GEMM with AVX-512F: an emitted 8×48 VFMADD231PS zmm micro-kernel (24 accumulators; per k, 3 B loads, 8
/// broadcasts of A read in place through base + index·lda addressing, 24 FMAs), .NET 10's JIT cannot be trusted to keep
/// 24 zmm accumulators and address 8 rows without spills. B is packed once (<see cref="SgemmKernelKind.Avx512x8x48"/>,
/// one K block: panels of 48 columns, K-major, zero-padded past N). Each tile runs over all of K and stores
/// alpha·acc + bias (+ C) with one FMA; edge tiles go through a scratch tile, a last block of fewer than 8 rows through
/// a zero-padded copy. Row blocks × panels are spread over the kernel thread pool (<see cref="Avx512TileTask"/>).
/// </summary>
public static unsafe class Sgemm_8x48_Avx512
{
    public const string Name = "Sgemm_8x48_Avx512";
    public const int MR = 8, Vectors = 3, NR = 16 * Vectors;

    private static readonly Lazy<ExecutableMemory>[] s_code =
        Enum.GetValues<SbgemmAvx512Bf16Emitter.Output>()
            .Select(o => new Lazy<ExecutableMemory>(() => ExecutableMemory.FromBytes(Emit(o))))
            .ToArray();

    /// <summary>Whether <paramref name="cpu"/> (after its limit) has AVX-512F and this process is the x64 Linux one that can run emitted code.</summary>
    public static bool IsSupported(CpuFeatures cpu) =>
        cpu.IsX64 && cpu.Avx512F && ExecutableMemory.IsSupported && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>The emitted code of one output form (tests disassemble it).</summary>
    internal static byte[] Emit(SbgemmAvx512Bf16Emitter.Output output) => SbgemmAvx512Bf16Emitter.Emit(MR, Vectors, output, fp32: true);

    /// <summary>Floats <see cref="PackB(float*, long, int, int, bool, float*)"/> writes for a [k, n] B: 48-column panels, K-major.</summary>
    public static int PackedLength(int k, int n) => checked(Math.Max(k, 0) * ((Math.Max(n, 0) + NR - 1) / NR) * NR);

    /// <summary>
    /// Packs B [k, n] with row stride <paramref name="ldb"/>, or, when <paramref name="transB"/>, B given as its transpose
    /// [n, k] with row stride <paramref name="ldb"/>, into <paramref name="dst"/> (<see cref="PackedLength"/> floats): panel p
    /// at p·k·48, row kk of it at + kk·48, columns past n zero. For operands built per call (attention's Kᵀ and V): no allocation.
    /// </summary>
    public static void PackB(float* b, long ldb, int k, int n, bool transB, float* dst)
    {
        int panels = (n + NR - 1) / NR;
        for (int p = 0; p < panels; p++)
        {
            int col0 = p * NR, cols = Math.Min(NR, n - col0);
            float* panel = dst + (long)p * k * NR;
            if (transB)
            {
                for (int jj = 0; jj < cols; jj++)
                {
                    float* src = b + (long)(col0 + jj) * ldb;
                    for (int kk = 0; kk < k; kk++)
                        panel[kk * NR + jj] = src[kk];
                }
                if (cols < NR)
                    for (int kk = 0; kk < k; kk++)
                        new Span<float>(panel + kk * NR + cols, NR - cols).Clear();
            }
            else
            {
                for (int kk = 0; kk < k; kk++)
                {
                    new ReadOnlySpan<float>(b + kk * ldb + col0, cols).CopyTo(new Span<float>(panel + kk * NR, cols));
                    if (cols < NR)
                        new Span<float>(panel + kk * NR + cols, NR - cols).Clear();
                }
            }
        }
    }

    /// <summary>
    /// On the calling thread, allocation-free: C = alpha·A·B (+ bias) for rows 0..m of A (row stride lda) against the first
    /// <paramref name="k"/> rows and <paramref name="n"/> columns of a B packed by <see cref="PackB(float*, long, int, int, bool, float*)"/>
    /// with <paramref name="packedK"/> rows (a causal product uses fewer keys than it packed). The caller checks sizes and
    /// <see cref="IsSupported"/>.
    /// </summary>
    public static void RunPacked(int m, float* a, int lda, float* packedB, int packedK, int k, int n, float* c, int ldc, float alpha, float* bias)
    {
        if (m <= 0 || n <= 0)
            return;
        if ((uint)k > (uint)packedK)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be within the {packedK} packed rows.");
        Execute(m, a, lda, packedB, packedK, k, n, c, ldc, alpha, bias, GemmActivation.None, accumulate: false, threads: 1);
    }

    /// <summary>C = act(alpha·A·B + bias (+ C when <paramref name="accumulate"/>)) for a B packed for this kernel; <see cref="Sgemm.Run"/> has checked shapes.</summary>
    internal static void Run(int m, float* a, int lda, SgemmPackedB b, float* c, int ldc, float alpha, float* bias,
        GemmActivation activation, bool accumulate, int threads)
    {
        if (b.Kernel != SgemmKernelKind.Avx512x8x48)
            throw new ArgumentException($"B was packed for {b.KernelName}, not {Name}.", nameof(b));
        if (!IsSupported(CpuFeatures.Detected))
            throw new NotSupportedException($"{Name} needs an x86-64 CPU with AVX-512F.");
        if (m == 0 || b.N == 0)
            return;
        Execute(m, a, lda, b.Data, b.K, b.K, b.N, c, ldc, alpha, bias, activation, accumulate, threads);
    }

    /// <summary>
    /// The shared driver: row blocks × 48-column panels over up to <paramref name="threads"/> threads (on the calling
    /// thread when 1, where the pool runs inline and allocates nothing).
    /// </summary>
    private static void Execute(int m, float* a, int lda, float* packedB, int packedK, int k, int n, float* c, int ldc,
        float alpha, float* bias, GemmActivation activation, bool accumulate, int threads)
    {
        int panels = (n + NR - 1) / NR;
        var task = new Avx512TileTask
        {
            A = (uint*)a, ABlockStride = (long)MR * lda, LdaBytes = (long)lda * sizeof(float), K = k, DirectA = true,
            B = (uint*)packedB, PanelStride = (long)packedK * NR, Steps = k,
            C = c, Ldc = ldc, M = m, N = n, Alpha = alpha, Bias = bias, Activation = activation, Accumulate = accumulate,
            RowGroups = Avx512TileTask.RowGroupsFor(threads, panels, (m + MR - 1) / MR),
            Threads = threads,
        };
        task.UseCode(s_code);
        KernelThreadPool.Shared.For(ref task, task.RowGroups * panels, threads);
    }
}
