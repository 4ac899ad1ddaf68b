using System.Buffers;
using System.Runtime.InteropServices;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// int8 GEMM: C (M × N) = Σₖ (A[i, k] − za)(B[k, j] − zb[j]), A u8 or s8 activations (row-major, stride lda),
/// B a constant s8 weight prepacked once by <see cref="PackB"/>. Output is exact int32 (what ONNX MatMulInteger
/// returns) or float through the fused dequantize epilogue. The kernel is the best one the CPU supports
/// (see <see cref="QgemmPackedB.KernelName"/>).
/// </summary>
public static unsafe class Qgemm
{
    /// <summary>
    /// Packs s8 B (k × n, row-major, contiguous) for the best kernel of <paramref name="cpu"/>
    /// (default <see cref="CpuFeatures.Current"/>), with its column sums for the zero-point correction.
    /// <paramref name="bZeroPoints"/> has length 1 (per tensor) or n (per column).
    /// </summary>
    /// <remarks>
    /// Where the best kernel sums byte pairs in saturating int16 (x86 AVX2 VPMADDUBSW), it is chosen only when at most
    /// <see cref="QgemmPairSaturation.MaxUnsafeFraction"/> of B's k pairs could saturate (always for 7-bit weights, see
    /// <see cref="Quantization.WeightQuantize"/>); those few are corrected exactly. Otherwise the exact int16 kernel is used.
    /// </remarks>
    public static QgemmPackedB PackB(ReadOnlySpan<sbyte> b, int k, int n, ReadOnlySpan<sbyte> bZeroPoints, CpuFeatures? cpu = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if ((long)k * n > b.Length)
            throw new ArgumentException($"B must hold K × N = {k} × {n} = {(long)k * n} values; it has {b.Length}.", nameof(b));
        return PackB(b, k, n, bZeroPoints, QgemmKernelTable.Select(cpu ?? CpuFeatures.Current, b, k, n));
    }

    /// <summary>
    /// Packs B for the named kernel (e.g. to compare or benchmark one family); throws when the name is unknown or
    /// <paramref name="cpu"/> (default <see cref="CpuFeatures.Current"/>) cannot run it.
    /// </summary>
    public static QgemmPackedB PackB(ReadOnlySpan<sbyte> b, int k, int n, ReadOnlySpan<sbyte> bZeroPoints, string kernelName, CpuFeatures? cpu = null)
    {
        ArgumentNullException.ThrowIfNull(kernelName);
        cpu ??= CpuFeatures.Current;
        QgemmKernel kernel = QgemmKernelTable.Find(kernelName)
            ?? throw new ArgumentException(
                $"Unknown int8 GEMM kernel '{kernelName}'. Known: {string.Join(", ", QgemmKernelTable.All.Select(x => x.Name))}.",
                nameof(kernelName));
        if (!kernel.IsSupported(cpu))
            throw new ArgumentException(
                $"Kernel '{kernelName}' needs CPU features this CPU lacks (has: {string.Join(' ', cpu.EnabledFeatureNames())}).",
                nameof(kernelName));
        return PackB(b, k, n, bZeroPoints, kernel);
    }

    /// <summary>
    /// Whether the best int8 kernel of <paramref name="cpu"/> (default <see cref="CpuFeatures.Current"/>) sums byte pairs
    /// in saturating int16 (x86 AVX2 without VNNI: VPMADDUBSW), so that 7-bit weights
    /// (<see cref="Quantization.WeightQuantize"/> with reduceRange) let it run without corrections: full-range
    /// per-column weights of real models have 0.3–2.6% of pairs that could saturate, each corrected exactly at a cost
    /// (about 35% at 2%), and beyond <see cref="QgemmPairSaturation.MaxUnsafeFraction"/> the exact, slower int16 kernel
    /// runs instead. A quantizer may use this to choose ORT's reduce_range.
    /// </summary>
    public static bool PrefersReducedRangeWeights(CpuFeatures? cpu = null)
        => QgemmKernelTable.Select(cpu ?? CpuFeatures.Current).SaturatesInt16Pairs;

    /// <summary>Names of the int8 GEMM kernels <paramref name="cpu"/> (default <see cref="CpuFeatures.Current"/>) can run, best first.</summary>
    public static IReadOnlyList<string> SupportedKernels(CpuFeatures? cpu = null)
    {
        cpu ??= CpuFeatures.Current;
        return QgemmKernelTable.All.Where(k => k.IsSupported(cpu)).Select(k => k.Name).ToArray();
    }

    internal static QgemmPackedB PackB(ReadOnlySpan<sbyte> b, int k, int n, ReadOnlySpan<sbyte> bZeroPoints, QgemmKernel kernel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if ((long)k * n > b.Length)
            throw new ArgumentException($"B must hold K × N = {k} × {n} = {(long)k * n} values; it has {b.Length}.", nameof(b));
        if (bZeroPoints.Length != 1 && bZeroPoints.Length != n)
            throw new ArgumentException($"B's zero points must have length 1 or N = {n}; got {bZeroPoints.Length}.", nameof(bZeroPoints));

        var zeroPoints = new int[n];
        for (int j = 0; j < n; j++)
            zeroPoints[j] = bZeroPoints.Length == 1 ? bZeroPoints[0] : bZeroPoints[j];
        var packed = new QgemmPackedB(kernel, k, n, zeroPoints, bZeroPoints.Length != 1);

        Span<int> columnSums = packed.ColumnAdjust; // sums first, adjusted below
        for (int kk = 0; kk < k; kk++)
        {
            ReadOnlySpan<sbyte> row = b.Slice(kk * n, n);
            for (int j = 0; j < n; j++)
                columnSums[j] += row[j];
        }
        for (int j = 0; j < n; j++)
            columnSums[j] = unchecked(k * zeroPoints[j] - columnSums[j]);

        fixed (sbyte* pb = b)
        {
            for (int p = 0; p < packed.PanelCount; p++)
            {
                int col0 = p * kernel.NR;
                kernel.PackBPanel(pb, n, k, col0, Math.Min(kernel.NR, n - col0), packed.Panel(p));
            }
        }
        if (kernel.SaturatesInt16Pairs)
            packed.PairFixup = QgemmPairFixup.Split(packed, kernel.KGroup, kernel.NR, kernel.MR);
        return packed;
    }

    /// <summary>u8 A × packed s8 B → exact int32 C (m × N, row stride ldc).</summary>
    public static void Run(int m, ReadOnlySpan<byte> a, int lda, byte aZeroPoint, QgemmPackedB b, Span<int> c, int ldc, int threads = 1)
    {
        ValidateCommon(m, a.Length, lda, b, c.Length, ldc, threads);
        fixed (byte* pa = a)
        fixed (int* pc = c)
            Execute(m, pa, lda, sourceSigned: false, aZeroPoint, b, pc, null, ldc, default, threads);
    }

    /// <summary>s8 A × packed s8 B → exact int32 C (m × N, row stride ldc).</summary>
    public static void Run(int m, ReadOnlySpan<sbyte> a, int lda, sbyte aZeroPoint, QgemmPackedB b, Span<int> c, int ldc, int threads = 1)
    {
        ValidateCommon(m, a.Length, lda, b, c.Length, ldc, threads);
        fixed (sbyte* pa = a)
        fixed (int* pc = c)
            Execute(m, (byte*)pa, lda, sourceSigned: true, aZeroPoint, b, pc, null, ldc, default, threads);
    }

    /// <summary>u8 A × packed s8 B → float C through the fused dequantize epilogue.</summary>
    public static void Run(int m, ReadOnlySpan<byte> a, int lda, byte aZeroPoint, QgemmPackedB b, Span<float> c, int ldc,
        in QgemmEpilogue epilogue, int threads = 1)
    {
        ValidateCommon(m, a.Length, lda, b, c.Length, ldc, threads);
        ValidateEpilogue(epilogue, b.N);
        fixed (byte* pa = a)
        fixed (float* pc = c)
            Execute(m, pa, lda, sourceSigned: false, aZeroPoint, b, null, pc, ldc, epilogue, threads);
    }

    /// <summary>s8 A × packed s8 B → float C through the fused dequantize epilogue.</summary>
    public static void Run(int m, ReadOnlySpan<sbyte> a, int lda, sbyte aZeroPoint, QgemmPackedB b, Span<float> c, int ldc,
        in QgemmEpilogue epilogue, int threads = 1)
    {
        ValidateCommon(m, a.Length, lda, b, c.Length, ldc, threads);
        ValidateEpilogue(epilogue, b.N);
        fixed (sbyte* pa = a)
        fixed (float* pc = c)
            Execute(m, (byte*)pa, lda, sourceSigned: true, aZeroPoint, b, null, pc, ldc, epilogue, threads);
    }

    private static void ValidateCommon(int m, int aLength, int lda, QgemmPackedB b, int cLength, int ldc, int threads)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (lda < b.K)
            throw new ArgumentException($"lda = {lda} is less than K = {b.K}.", nameof(lda));
        if (ldc < b.N)
            throw new ArgumentException($"ldc = {ldc} is less than N = {b.N}.", nameof(ldc));
        if (m == 0)
            return;
        long needA = (long)(m - 1) * lda + b.K;
        if (aLength < needA)
            throw new ArgumentException($"A (M × K = {m} × {b.K}, lda {lda}) needs {needA} values; it has {aLength}.", "a");
        long needC = (long)(m - 1) * ldc + b.N;
        if (cLength < needC)
            throw new ArgumentException($"C (M × N = {m} × {b.N}, ldc {ldc}) needs {needC} values; it has {cLength}.", "c");
    }

    private static void ValidateEpilogue(in QgemmEpilogue epilogue, int n)
    {
        int scales = epilogue.BScales.Length;
        if (scales != 1 && scales != n)
            throw new ArgumentException($"The epilogue's BScales must have length 1 or N = {n}; got {scales}.", nameof(epilogue));
        if (!Enum.IsDefined(epilogue.Activation))
            throw new ArgumentException($"Unknown activation {(int)epilogue.Activation}.", nameof(epilogue));
        int bias = epilogue.Bias.Length;
        if (bias != 0 && bias != n)
            throw new ArgumentException($"The epilogue's Bias must be empty or have length N = {n}; got {bias}.", nameof(epilogue));
    }

    private static void Execute(int m, byte* a, int lda, bool sourceSigned, int aZeroPoint, QgemmPackedB b,
        int* cInt, float* cFloat, int ldc, in QgemmEpilogue epilogue, int threads)
    {
        if (m == 0)
            return;
        QgemmKernel kernel = b.Kernel;
        int mr = kernel.MR;
        int mBlocks = (m + mr - 1) / mr;
        int blockBytes = kernel.PackedABlockBytes(b.KPadded);
        // The kernel sees A after any sign flip: u8 → s8 is x − 128, s8 → u8 is x + 128, and the zero point follows.
        int za = sourceSigned == kernel.ASigned ? aZeroPoint : sourceSigned ? aZeroPoint + 128 : aZeroPoint - 128;

        // 64 bytes to align, 64 more so vector code may read a little past the last block (QgemmPairFixup.Apply).
        byte[] aBuffer = ArrayPool<byte>.Shared.Rent(checked(mBlocks * blockBytes + 128));
        int[] rowSums = ArrayPool<int>.Shared.Rent(mBlocks * mr);
        // A kernel that writes full tiles straight to C reads the per-call column vectors the tile path computes
        // per element: za·adjust[j] and the combined scale AScale·BScales[j].
        bool fused = kernel.FusesEpilogue;
        int[]? columnTerm = fused ? ArrayPool<int>.Shared.Rent(b.N) : null;
        float[]? columnScale = fused && cFloat != null ? ArrayPool<float>.Shared.Rent(b.N) : null;
        try
        {
            if (columnTerm is not null)
            {
                for (int j = 0; j < b.N; j++)
                    columnTerm[j] = unchecked(za * b.ColumnAdjust[j]);
            }
            if (columnScale is not null)
            {
                ReadOnlySpan<float> bScales = epilogue.BScales.Span;
                float tensorScale = epilogue.AScale * bScales[0];
                for (int j = 0; j < b.N; j++)
                    columnScale[j] = bScales.Length > 1 ? epilogue.AScale * bScales[j] : tensorScale;
            }
            fixed (byte* aStorage = aBuffer)
            fixed (int* pRowSums = rowSums)
            fixed (int* pColumnTerm = columnTerm)
            fixed (float* pColumnScale = columnScale)
            fixed (int* pAdjust = b.ColumnAdjust)
            fixed (int* pZb = b.ZeroPoints)
            using (MemoryHandle scales = epilogue.BScales.Pin())
            using (MemoryHandle bias = epilogue.Bias.Pin())
            {
                byte* packedA = (byte*)(((nint)aStorage + 63) & ~(nint)63);
                int packTasks = threads == 1 ? 1 : Math.Min(mBlocks, threads * 4);
                var pack = new QgemmPackATask
                {
                    Kernel = kernel,
                    A = a,
                    Lda = lda,
                    M = m,
                    K = b.K,
                    SourceSigned = sourceSigned,
                    PackedA = packedA,
                    PackedABlockBytes = blockBytes,
                    RowSums = pRowSums,
                    MBlocks = mBlocks,
                    BlocksPerTask = (mBlocks + packTasks - 1) / packTasks,
                };
                QgemmParallel.For(ref pack, packTasks, threads);

                QgemmBlocking blocking = QgemmBlocking.For(mBlocks, blockBytes, b.PanelCount, threads);
                var task = new QgemmTileTask
                {
                    Kernel = kernel,
                    B = b,
                    M = m,
                    MBlocks = mBlocks,
                    Blocking = blocking,
                    PackedA = packedA,
                    PackedABlockBytes = blockBytes,
                    RowSums = pRowSums,
                    AZeroPoint = za,
                    ColumnAdjust = pAdjust,
                    ZeroPointsB = pZb,
                    CInt = cInt,
                    CFloat = cFloat,
                    Ldc = ldc,
                    AScale = epilogue.AScale,
                    BScales = (float*)scales.Pointer,
                    PerColumnScale = epilogue.BScales.Length > 1,
                    Bias = epilogue.Bias.IsEmpty ? null : (float*)bias.Pointer,
                    Activation = epilogue.Activation,
                    ColumnTerm = pColumnTerm,
                    ColumnScale = pColumnScale,
                    Threads = threads,
                };
                QgemmParallel.For(ref task, blocking.TaskCount, threads);
            }
        }
        finally
        {
            if (columnScale is not null)
                ArrayPool<float>.Shared.Return(columnScale);
            if (columnTerm is not null)
                ArrayPool<int>.Shared.Return(columnTerm);
            ArrayPool<int>.Shared.Return(rowSums);
            ArrayPool<byte>.Shared.Return(aBuffer);
        }
    }
}
