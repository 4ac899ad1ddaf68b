using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// fp32 GEMM, C = act(alpha·A·B + bias (+ C)), A row-major [M, K] with row stride lda, C row-major [M, N] with
/// row stride ldc. Pack a constant B once with <see cref="PackB(ReadOnlySpan{float}, int, int, bool, CpuFeatures?)"/>,
/// then <see cref="Run"/> as often as needed; <see cref="Multiply"/> does both for one-off products.
/// </summary>
public static unsafe class Sgemm
{
    /// <summary>Largest K block: a 16-column panel block is then 16 KiB, half of a typical L1, where it stays while
    /// every row strip of the task passes over it.</summary>
    public const int MaxKBlock = 256;

    // A task's rows of A, copied per K block (≤ 192 × 256 floats = 192 KiB), stay in L2 while B panels pass through L1.
    internal const int MaxRowsPerTask = 192;

    // With several threads, this many tasks per thread let the atomic hand-out even out a core slowed by other work.
    private const int TasksPerThread = 2;

    /// <summary>
    /// Packs B for the micro-kernel <paramref name="cpu"/> (default <see cref="CpuFeatures.Current"/>, which honours the
    /// forced ISA limit) selects. B is row-major [K, N], or [N, K] when <paramref name="transB"/>.
    /// </summary>
    public static SgemmPackedB PackB(ReadOnlySpan<float> b, int k, int n, bool transB = false, CpuFeatures? cpu = null) =>
        PackB(b, k, n, transB, SgemmKernelInfo.Select(cpu ?? CpuFeatures.Current));

    /// <summary>
    /// Packs B for an explicit micro-kernel (tests, benchmarks, and the bf16 fast-math kind
    /// <see cref="SgemmKernelInfo.SelectFastMath"/> returns); it must be runnable here.
    /// </summary>
    public static SgemmPackedB PackB(ReadOnlySpan<float> b, int k, int n, bool transB, SgemmKernelKind kernel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (!Enum.IsDefined(kernel))
            throw new ArgumentException($"Unknown SGEMM kernel {kernel}.", nameof(kernel));
        if (!SgemmKernelInfo.CanRun(kernel))
            throw new ArgumentException($"SGEMM kernel {SgemmKernelInfo.Name(kernel)} cannot run on this CPU.", nameof(kernel));
        long needed = (long)k * n;
        if (b.Length < needed)
            throw new ArgumentException(
                $"B holds {b.Length} values, shape {(transB ? $"[N={n}, K={k}]" : $"[K={k}, N={n}]")} needs {needed}.", nameof(b));
        if (kernel == SgemmKernelKind.Bf16Bfmmla8x12)
            return new SgemmPackedB(Sbgemm.Pack(b, k, n, transB));
        if (kernel == SgemmKernelKind.Bf16Avx512x8x48)
            return new SgemmPackedB(Sbgemm_8x48_Avx512Bf16.PackB(b, k, n, transB));

        // The AVX-512 kernel runs each tile over all of K (one block); the others cut K into L1-sized blocks.
        int blocks = kernel == SgemmKernelKind.Avx512x8x48 ? 1 : Math.Max(1, (k + MaxKBlock - 1) / MaxKBlock);
        int kBlock = Math.Max(1, (k + blocks - 1) / blocks); // equal blocks: K = 769 gives 4 × 193, not 3 × 256 + 1
        var packed = new SgemmPackedB(kernel, k, n, kBlock);
        Span<float> dst = packed.Storage;
        int nr = packed.PanelWidth, paddedN = packed.PaddedN;
        for (int k0 = 0; k0 < k; k0 += kBlock)
        {
            int kc = Math.Min(kBlock, k - k0);
            for (int p = 0; p < packed.Panels; p++)
            {
                Span<float> panel = dst.Slice(k0 * paddedN + p * kc * nr, kc * nr);
                for (int kk = 0; kk < kc; kk++)
                {
                    for (int j = 0; j < nr; j++)
                    {
                        int col = p * nr + j;
                        panel[kk * nr + j] = col >= n ? 0f : transB ? b[col * k + k0 + kk] : b[(k0 + kk) * n + col];
                    }
                }
            }
        }
        return packed;
    }

    /// <summary>
    /// C[0..m, 0..N) = act(alpha·A·B + bias (+ C when accumulating)) on up to <paramref name="threads"/> threads.
    /// The result does not depend on the thread count.
    /// </summary>
    public static void Run(
        int m, ReadOnlySpan<float> a, int lda, SgemmPackedB b, Span<float> c, int ldc,
        in SgemmEpilogue epilogue = default, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int k = b.K, n = b.N;
        if (lda < k)
            throw new ArgumentException($"lda = {lda} is less than K = {k}.", nameof(lda));
        if (ldc < n)
            throw new ArgumentException($"ldc = {ldc} is less than N = {n}.", nameof(ldc));
        if (m > 0 && a.Length < (long)(m - 1) * lda + k)
            throw new ArgumentException($"A holds {a.Length} values, shape [M={m}, K={k}] with lda={lda} needs {(long)(m - 1) * lda + k}.", nameof(a));
        if (m > 0 && c.Length < (long)(m - 1) * ldc + n)
            throw new ArgumentException($"C holds {c.Length} values, shape [M={m}, N={n}] with ldc={ldc} needs {(long)(m - 1) * ldc + n}.", nameof(c));
        if (!epilogue.Bias.IsEmpty && epilogue.Bias.Length != n)
            throw new ArgumentException($"Bias has length {epilogue.Bias.Length}; it must be empty or N = {n}.", nameof(epilogue));
        if (!Enum.IsDefined(epilogue.Activation))
            throw new ArgumentException($"Unknown activation {epilogue.Activation}.", nameof(epilogue));
        if (!SgemmKernelInfo.CanRun(b.Kernel))
            throw new ArgumentException($"B was packed for {b.KernelName}, which cannot run on this CPU.", nameof(b));
        if (m == 0 || n == 0)
            return;

        // Kinds with a driver of their own (bf16 fast-math, the emitted AVX-512 fp32 kernel) take the product whole.
        if (b.Bf16 is not null || b.Bf16X86 is not null || b.Kernel == SgemmKernelKind.Avx512x8x48)
        {
            fixed (float* pa = a)
            fixed (float* pc = c)
            fixed (float* pbias = epilogue.Bias.Span)
            {
                float* bias = epilogue.Bias.IsEmpty ? null : pbias;
                if (b.Bf16 is { } bf16)
                    Sbgemm.Execute(m, pa, lda, bf16, pc, ldc, epilogue.Alpha, bias, epilogue.Activation, epilogue.Accumulate, threads);
                else if (b.Bf16X86 is { } bf16X86)
                    Sbgemm_8x48_Avx512Bf16.Run(m, pa, lda, bf16X86, pc, ldc, epilogue.Alpha, bias, epilogue.Activation, epilogue.Accumulate, threads);
                else
                    Sgemm_8x48_Avx512.Run(m, pa, lda, b, pc, ldc, epilogue.Alpha, bias, epilogue.Activation, epilogue.Accumulate, threads);
            }
            return;
        }

        int mr = SgemmKernelInfo.Mr(b.Kernel);
        (int rowsPerTask, int rowTasks, int panelsPerTask, int columnTasks) = Partition(m, mr, b.Panels, threads);

        fixed (float* pa = a)
        fixed (float* pc = c)
        fixed (float* pbias = epilogue.Bias.Span)
        {
            var task = new SgemmTileTask
            {
                Kernel = b.Kernel,
                A = pa,
                Lda = lda,
                B = b.Data,
                C = pc,
                Ldc = ldc,
                M = m,
                N = n,
                K = k,
                KBlock = b.KBlock,
                KBlocks = b.KBlocks,
                Mr = mr,
                Nr = b.PanelWidth,
                Panels = b.Panels,
                PaddedN = b.PaddedN,
                RowsPerTask = rowsPerTask,
                PanelsPerTask = panelsPerTask,
                ColumnTasks = columnTasks,
                Alpha = epilogue.Alpha,
                Bias = epilogue.Bias.IsEmpty ? null : pbias,
                Accumulate = epilogue.Accumulate,
                Activation = epilogue.Activation,
            };
            KernelThreadPool.Shared.For(ref task, rowTasks * columnTasks, threads);
        }
    }

    /// <summary>
    /// Cuts C into rowTasks × columnTasks tasks. Rows are split only beyond <see cref="MaxRowsPerTask"/>; threads are
    /// spread over B's panels first, so each core streams its own columns of B and copies A once per task.
    /// </summary>
    internal static (int RowsPerTask, int RowTasks, int PanelsPerTask, int ColumnTasks) Partition(int m, int mr, int panels, int threads)
    {
        int rowTasks = (m + MaxRowsPerTask - 1) / MaxRowsPerTask;
        int wanted = threads == 1 ? 1 : TasksPerThread * threads;
        if (rowTasks * panels < wanted)
            rowTasks = Math.Min((m + mr - 1) / mr, (wanted + panels - 1) / panels); // few panels: split rows too
        int rowsPerTask = ((m + rowTasks - 1) / rowTasks + mr - 1) / mr * mr;
        rowTasks = (m + rowsPerTask - 1) / rowsPerTask;
        int columnTasks = Math.Clamp((wanted + rowTasks - 1) / rowTasks, 1, panels);
        int panelsPerTask = (panels + columnTasks - 1) / columnTasks;
        columnTasks = (panels + panelsPerTask - 1) / panelsPerTask;
        return (rowsPerTask, rowTasks, panelsPerTask, columnTasks);
    }

    /// <summary>
    /// One-off C = act(alpha·A·B + bias (+ C)) with dense A [m, k] and C [m, n]; B is [k, n], or [n, k] when
    /// <paramref name="transB"/>. Packs B on every call: use <see cref="PackB(ReadOnlySpan{float}, int, int, bool, CpuFeatures?)"/>
    /// and <see cref="Run"/> when B is reused.
    /// </summary>
    public static void Multiply(
        int m, int k, int n, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c,
        bool transB = false, in SgemmEpilogue epilogue = default, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        SgemmPackedB packed = PackB(b, k, n, transB);
        Run(m, a, k, packed, c, n, epilogue, threads);
    }
}
