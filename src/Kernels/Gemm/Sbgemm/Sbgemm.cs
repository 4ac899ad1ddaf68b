using System.Runtime.Intrinsics;
using MlNetGraviton.Kernels.Emit;
using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// bf16 fast-math GEMM (Arm64 BF16): C = alpha · A · B + bias with fp32 A, B and C. B is rounded to bf16 once
/// (<see cref="PackB"/>), A per call (hardware BFCVTN, round-to-nearest-even); products accumulate in fp32 with BFMMLA
/// (round-to-odd steps, bf16 denormals flushed). Expect about 3 significant digits: the error is that of
/// rounding both inputs to bf16. <see cref="Sgemm"/> reaches the same driver for a B packed for
/// <see cref="SgemmKernelKind.Bf16Bfmmla8x12"/> (the runtime's bf16 fast-math precision).
/// </summary>
/// <example>
/// <code>
/// if (Sbgemm.IsAvailable(CpuFeatures.Current, out string why))
/// {
///     SbgemmPackedB w = Sbgemm.PackB(weights, k, n);           // once per constant weight (K × N, row-major)
///     Sbgemm.Run(m, x, k, w, y, n, alpha: 1f, bias: biasVector); // y (M × N) = x (M × K) · w + bias
/// }
/// else Console.WriteLine(why);                                   // e.g. no BF16 on Graviton2: use Sgemm
/// </code>
/// </example>
public static unsafe class Sbgemm
{
    /// <summary>Rows of the micro-kernel's tile.</summary>
    public const int MR = Sbgemm_8x12_Bfmmla.MR;

    /// <summary>Columns of the micro-kernel's tile (and of a packed B panel).</summary>
    public const int NR = Sbgemm_8x12_Bfmmla.NR;

    /// <summary>The micro-kernel's contract name (what <c>cpu</c> reports and <see cref="SbgemmPackedB"/> is packed for).</summary>
    public const string KernelName = Sbgemm_8x12_Bfmmla.Name;

    /// <summary>Whether <paramref name="cpu"/> can run bf16 GEMM.</summary>
    public static bool IsAvailable(CpuFeatures cpu) => IsAvailable(cpu, out _);

    /// <summary>Whether <paramref name="cpu"/> can run bf16 GEMM; when not, <paramref name="reason"/> names what is missing.</summary>
    public static bool IsAvailable(CpuFeatures cpu, out string reason)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        if (!cpu.IsArm64)
        {
            reason = "bf16 GEMM needs an Arm64 CPU with BF16 (BFMMLA); this CPU is not Arm64 (AVX512-BF16 is not implemented).";
            return false;
        }
        if (!cpu.Bf16)
        {
            reason = cpu.Limit == IsaLevel.Native
                ? "bf16 GEMM needs the Arm64 BF16 extension (FEAT_BF16: BFMMLA, BFCVTN), which this CPU lacks."
                : $"bf16 GEMM needs the Arm64 BF16 extension (FEAT_BF16), which the ISA limit '{cpu.Limit}' turns off.";
            return false;
        }
        if (!ExecutableMemory.IsSupported)
        {
            reason = "bf16 GEMM emits its kernel at run time, which is implemented for Linux only.";
            return false;
        }
        reason = string.Empty;
        return true;
    }

    /// <summary>
    /// Rounds row-major B (<paramref name="k"/> × <paramref name="n"/>) to bf16 (round-to-nearest-even) and packs it for
    /// the BFMMLA kernel, zero-padding K to a multiple of 4 and N to a multiple of <see cref="NR"/>. Runs on any CPU.
    /// </summary>
    public static SbgemmPackedB PackB(ReadOnlySpan<float> b, int k, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        long needed = (long)k * n;
        if (b.Length < needed)
            throw new ArgumentException($"B is {k}×{n} (row-major) and needs {needed} elements, but has {b.Length}.", nameof(b));
        return Pack(b, k, n, transB: false);
    }

    /// <summary>
    /// The packing behind <see cref="PackB"/> and <see cref="Sgemm.PackB(ReadOnlySpan{float}, int, int, bool, SgemmKernelKind)"/>:
    /// B is [K, N], or [N, K] when <paramref name="transB"/>; K or N may be 0. The caller has checked B's length.
    /// </summary>
    internal static SbgemmPackedB Pack(ReadOnlySpan<float> b, int k, int n, bool transB)
    {
        var packed = new SbgemmPackedB(k, n);
        Span<ushort> dst = packed.WritablePacked;
        for (int panel = 0; panel < packed.PanelCount; panel++)
        {
            int panelBase = panel * packed.PanelElements;
            for (int col = 0; col < NR; col++)
            {
                int j = panel * NR + col;
                if (j >= n)
                    break; // padded columns stay zero
                int colBase = panelBase + (col >> 1) * 8 + (col & 1) * 4;
                for (int kk = 0; kk < k; kk++)
                    dst[colBase + (kk >> 2) * (4 * NR) + (kk & 3)] = BFloat16Rounding.FromSingle(transB ? b[j * k + kk] : b[kk * n + j]);
            }
        }
        return packed;
    }

    /// <summary>
    /// C = activation(alpha · A · B + bias (+ C when <paramref name="accumulate"/>)) for row-major A (<paramref name="m"/> × K,
    /// row stride <paramref name="lda"/>) and C (<paramref name="m"/> × N, row stride <paramref name="ldc"/>); <paramref name="bias"/>
    /// is empty or N long. The old C is added (in fp32) after alpha and bias, then the activation (GELU) runs, on each tile
    /// right after the kernel stores it, while it is still in L1. The tiles are split over up to <paramref name="threads"/>
    /// threads; the result does not depend on the thread count.
    /// Throws <see cref="NotSupportedException"/> naming BF16 on a CPU without it (see <see cref="IsAvailable(CpuFeatures, out string)"/>).
    /// </summary>
    public static void Run(int m, ReadOnlySpan<float> a, int lda, SbgemmPackedB b, Span<float> c, int ldc,
        float alpha = 1f, ReadOnlySpan<float> bias = default, GemmActivation activation = GemmActivation.None,
        bool accumulate = false, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int k = b.K, n = b.N;
        if (lda < k)
            throw new ArgumentException($"lda ({lda}) is less than K ({k}).", nameof(lda));
        if (ldc < n)
            throw new ArgumentException($"ldc ({ldc}) is less than N ({n}).", nameof(ldc));
        if (m > 0 && a.Length < (long)(m - 1) * lda + k)
            throw new ArgumentException($"A is {m}×{k} with row stride {lda} and needs {(long)(m - 1) * lda + k} elements, but has {a.Length}.", nameof(a));
        if (m > 0 && c.Length < (long)(m - 1) * ldc + n)
            throw new ArgumentException($"C is {m}×{n} with row stride {ldc} and needs {(long)(m - 1) * ldc + n} elements, but has {c.Length}.", nameof(c));
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"bias must be empty or have N = {n} elements, but has {bias.Length}.", nameof(bias));
        if (activation is not (GemmActivation.None or GemmActivation.GeluErf or GemmActivation.GeluTanh))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        if (!IsAvailable(CpuFeatures.Current, out string reason))
            throw new NotSupportedException(reason);
        if (m == 0)
            return;
        fixed (float* pa = a)
        fixed (float* pc = c)
        fixed (float* pbias = bias)
            Execute(m, pa, lda, b, pc, ldc, alpha, bias.IsEmpty ? null : pbias, activation, accumulate, threads);
    }

    /// <summary>
    /// The driver behind <see cref="Run"/> and <see cref="Sgemm.Run"/> for a bf16-packed B: arguments checked, memory
    /// pinned by the caller, m ≥ 1, and the process able to run BFMMLA (the ISA limit is the packer's business, as for SGEMM).
    /// Rows are cut into 8-row blocks and B into 12-column panels, and tasks of blocks × panels are handed to
    /// <see cref="KernelThreadPool"/> exactly as <see cref="Sgemm.Partition"/> cuts SGEMM's.
    /// </summary>
    internal static void Execute(int m, float* a, int lda, SbgemmPackedB b, float* c, int ldc,
        float alpha, float* bias, GemmActivation activation, bool accumulate, int threads)
    {
        if (b.N == 0)
            return;
        if (b.K == 0)
        {
            // No product: C = act(bias (+ C)), as SGEMM defines an empty K.
            for (int i = 0; i < m; i++)
            {
                float* row = c + (long)i * ldc;
                for (int j = 0; j < b.N; j++)
                    row[j] = (accumulate ? row[j] : 0f) + (bias == null ? 0f : bias[j]);
                if (activation != GemmActivation.None)
                    SgemmActivationMath.Apply(row, b.N, activation);
            }
            return;
        }
        (int rowsPerTask, int rowTasks, int panelsPerTask, int columnTasks) = Sgemm.Partition(m, MR, b.PanelCount, threads);
        var task = new SbgemmTileTask
        {
            A = a,
            Lda = lda,
            B = b,
            C = c,
            Ldc = ldc,
            M = m,
            RowsPerTask = rowsPerTask,
            PanelsPerTask = panelsPerTask,
            ColumnTasks = columnTasks,
            Alpha = alpha,
            Bias = bias,
            Accumulate = accumulate,
            Activation = activation,
        };
        KernelThreadPool.Shared.For(ref task, rowTasks * columnTasks, threads);
    }

    /// <summary>The last, partial step of 4 k: RNE in C# (as BFCVTN rounds), zero-padded, read only inside A.</summary>
    internal static void PackATail(float** rows, int fullSteps, int tailK, ushort* dst)
    {
        for (int r = 0; r < MR; r++)
        {
            float* row = rows[r] + fullSteps * 4;
            ushort* d = dst + (r >> 1) * 8 + (r & 1) * 4;
            for (int kk = 0; kk < 4; kk++)
                d[kk] = kk < tailK ? BFloat16Rounding.FromSingle(row[kk]) : (ushort)0;
        }
    }
}
