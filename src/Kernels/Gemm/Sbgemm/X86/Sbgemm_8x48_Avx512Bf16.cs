using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MlNetGraviton.Kernels.Emit;
using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>The emitted kernel's epilogue block: field order is its ABI.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SbgemmX86Epilogue
{
    public float* Bias; // NR floats (zeros when there is no bias)
    public float Alpha;
    public long LdaBytes; // the fp32 kernel's row stride of A (the bf16 kernel reads packed A)
    public byte* Prefetch; // PREFETCHT1 at this address each K step, then + PrefetchStep (0: the same line, a hit)
    public long PrefetchStep;
}

/// <summary>
/// A constant fp32 B (K × N) rounded once to bf16 (RNE) in the VDPBF16PS layout: panels of 48 columns; in a panel, per
/// pair of k, 48 words {B[k][j], B[k+1][j]} (low half first). K is padded to even and N to a multiple of 48 with zeros.
/// </summary>
public sealed unsafe class SbgemmAvx512Bf16PackedB
{
    private readonly uint[] _words; // pinned: the kernel reads it through raw pointers

    internal SbgemmAvx512Bf16PackedB(int k, int n)
    {
        K = k;
        N = n;
        Pairs = (k + 1) / 2;
        Panels = (n + Sbgemm_8x48_Avx512Bf16.NR - 1) / Sbgemm_8x48_Avx512Bf16.NR;
        _words = GC.AllocateArray<uint>(checked(Math.Max(1, Pairs) * Panels * Sbgemm_8x48_Avx512Bf16.NR), pinned: true);
    }

    /// <summary>Rows of B.</summary>
    public int K { get; }

    /// <summary>Columns of B.</summary>
    public int N { get; }
    internal int Pairs { get; }
    internal int Panels { get; }

    internal Span<uint> Words => _words;

    internal uint* Panel(int p) => (uint*)Unsafe.AsPointer(ref _words[0]) + (long)p * Pairs * Sbgemm_8x48_Avx512Bf16.NR;
}

/// <summary>
/// x86 bf16 fast-math GEMM with AVX512-BF16: C = act(alpha·A·B + bias (+ C)), A converted to bf16 by an emitted VCVTNE2PS2BF16
/// loop (round-to-nearest-even, NaN kept and quieted, denormals to zero) while it is packed, B prepacked; an emitted 8×48 VDPBF16PS micro-kernel (24 zmm accumulators, the VNNI
/// kernel's shape) writes full tiles straight to C with alpha, bias and the accumulated C in one FMA; edge tiles go
/// through a scratch tile. Row blocks × panels are spread over the kernel thread pool. Nothing reads past A or B: odd K
/// is padded with a zero pair in the packed copies only.
/// </summary>
public static unsafe class Sbgemm_8x48_Avx512Bf16
{
    public const string Name = "Sbgemm_8x48_Avx512Bf16";
    public const int MR = 8, Vectors = 3, NR = 16 * Vectors;

    private static readonly Lazy<ExecutableMemory>[] s_code =
        Enum.GetValues<SbgemmAvx512Bf16Emitter.Output>()
            .Select(o => new Lazy<ExecutableMemory>(() => ExecutableMemory.FromBytes(SbgemmAvx512Bf16Emitter.Emit(MR, Vectors, o))))
            .ToArray();

    private static readonly Lazy<ExecutableMemory> s_convert = new(() => ExecutableMemory.FromBytes(SbgemmAvx512Bf16Emitter.EmitConvertLoop()));

    private static readonly Lazy<ExecutableMemory> s_peak = new(() => ExecutableMemory.FromBytes(SbgemmAvx512Bf16Emitter.EmitPeakLoop()));

    /// <summary>Whether <paramref name="cpu"/> (after its limit) has AVX512-BF16 and this process is the x64 Linux one that can run emitted code.</summary>
    public static bool IsSupported(CpuFeatures cpu) =>
        cpu.IsX64 && cpu.Avx512F && cpu.Avx512Bf16 && ExecutableMemory.IsSupported
        && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>The emitted A conversion loop (tests disassemble it).</summary>
    internal static byte[] EmitConvert() => SbgemmAvx512Bf16Emitter.EmitConvertLoop();

    /// <summary>The emitted code of one output form (tests disassemble it).</summary>
    internal static byte[] Emit(SbgemmAvx512Bf16Emitter.Output output) => SbgemmAvx512Bf16Emitter.Emit(MR, Vectors, output);

    /// <summary>Rounds B (K × N row-major, or N × K when <paramref name="transB"/>) to bf16 pairs. Runs on any CPU.</summary>
    public static SbgemmAvx512Bf16PackedB PackB(ReadOnlySpan<float> b, int k, int n, bool transB)
    {
        var packed = new SbgemmAvx512Bf16PackedB(k, n);
        Span<uint> dst = packed.Words;
        int pairs = packed.Pairs;
        for (int p = 0; p < packed.Panels; p++)
        {
            int panelBase = p * pairs * NR;
            for (int jj = 0; jj < NR; jj++)
            {
                int j = p * NR + jj;
                if (j >= n)
                    break; // padded columns stay zero
                for (int q = 0; q < pairs; q++)
                {
                    int k0 = 2 * q, k1 = 2 * q + 1;
                    uint lo = BFloat16Rounding.FromSingle(transB ? b[j * k + k0] : b[k0 * n + j]);
                    uint hi = k1 < k ? BFloat16Rounding.FromSingle(transB ? b[j * k + k1] : b[k1 * n + j]) : 0u;
                    dst[panelBase + q * NR + jj] = lo | hi << 16;
                }
            }
        }
        return packed;
    }

    /// <summary>C = act(alpha·A·B + bias (+ C when <paramref name="accumulate"/>)); the caller has checked shapes.</summary>
    public static void Run(int m, float* a, int lda, SbgemmAvx512Bf16PackedB b, float* c, int ldc, float alpha, float* bias,
        GemmActivation activation, bool accumulate, int threads)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (lda < b.K)
            throw new ArgumentException($"lda = {lda} is less than K = {b.K}.", nameof(lda));
        if (ldc < b.N)
            throw new ArgumentException($"ldc = {ldc} is less than N = {b.N}.", nameof(ldc));
        if (!Enum.IsDefined(activation))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        if (!IsSupported(CpuFeatures.Current))
            throw new NotSupportedException($"{Name} needs an x86-64 CPU with AVX512-BF16 (this one has: {string.Join(' ', CpuFeatures.Current.EnabledFeatureNames())}).");
        if (m == 0 || b.N == 0)
            return;
        int mBlocks = (m + MR - 1) / MR;
        int blockWords = Math.Max(1, b.Pairs) * MR;
        uint[] aBuffer = ArrayPool<uint>.Shared.Rent(checked(mBlocks * blockWords + 16));
        try
        {
            fixed (uint* pa = aBuffer)
            {
                uint* packedA = (uint*)(((nint)pa + 63) & ~(nint)63);
                var pack = new PackTask { A = a, Lda = lda, M = m, K = b.K, Pairs = b.Pairs, PackedA = packedA, BlockWords = blockWords, Blocks = mBlocks };
                int packTasks = threads == 1 ? 1 : Math.Min(mBlocks, threads * 4);
                pack.BlocksPerTask = (mBlocks + packTasks - 1) / packTasks;
                KernelThreadPool.Shared.For(ref pack, packTasks, threads);

                var task = new Avx512TileTask
                {
                    A = packedA, ABlockStride = blockWords, B = b.Panel(0), PanelStride = (long)b.Pairs * NR, Steps = b.Pairs,
                    C = c, Ldc = ldc, M = m, N = b.N, Alpha = alpha, Bias = bias, Activation = activation, Accumulate = accumulate,
                    RowGroups = Avx512TileTask.RowGroupsFor(threads, b.Panels, mBlocks),
                    Threads = threads,
                };
                task.UseCode(s_code);
                KernelThreadPool.Shared.For(ref task, task.RowGroups * b.Panels, threads);
            }
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(aBuffer);
        }
    }

    /// <summary>Best GFLOP/s of the emitted VDPBF16PS leaf loop on <paramref name="threads"/> threads (64 FLOPs per instruction).</summary>
    public static double MeasurePeakGflops(int threads, double seconds = 0.3)
    {
        var task = new PeakTask { Code = (delegate* unmanaged<long, long>)s_peak.Value.Address, Iterations = 20_000 };
        KernelThreadPool.Shared.For(ref task, threads, threads);
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        KernelThreadPool.Shared.For(ref task, threads, threads);
        double calibration = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
        task.Iterations = Math.Max(1000, (long)(task.Iterations * (seconds / 3) / Math.Max(calibration, 1e-6)));
        double best = 0;
        for (int r = 0; r < 3; r++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            KernelThreadPool.Shared.For(ref task, threads, threads);
            double elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, task.Iterations * SbgemmAvx512Bf16Emitter.PeakChains * 64.0 * threads / elapsed / 1e9);
        }
        return best;
    }

    private struct PeakTask : ITileTask
    {
        public delegate* unmanaged<long, long> Code;
        public long Iterations;

        public readonly void Run(int taskIndex) => Code(Iterations);
    }

    /// <summary>Packs row blocks of A: per k pair, one {A[i][k], A[i][k+1]} bf16 word per row; missing rows and k are zero.</summary>
    private struct PackTask : ITileTask
    {
        public float* A;
        public int Lda, M, K, Pairs, BlockWords, Blocks, BlocksPerTask;
        public uint* PackedA;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int taskIndex)
        {
            int end = Math.Min(Blocks, (taskIndex + 1) * BlocksPerTask);
            ushort* row = stackalloc ushort[2 * Pairs + 32];
            for (int blk = taskIndex * BlocksPerTask; blk < end; blk++)
            {
                uint* block = PackedA + (long)blk * BlockWords;
                for (int r = 0; r < MR; r++)
                {
                    int i = blk * MR + r;
                    if (i >= M)
                    {
                        for (int q = 0; q < Pairs; q++)
                            block[q * MR + r] = 0;
                        continue;
                    }
                    ToBf16(A + (long)i * Lda, K, row);
                    if ((K & 1) != 0)
                        row[K] = 0;
                    uint* words = (uint*)row;
                    for (int q = 0; q < Pairs; q++)
                        block[q * MR + r] = words[q];
                }
            }
        }
    }

    /// <summary>
    /// bf16 of <paramref name="count"/> floats by the emitted VCVTNE2PS2BF16 loop (round-to-nearest-even, NaN kept and
    /// quieted, denormals to signed zero: VDPBF16PS would read a denormal as zero anyway), 32 at a time; a last partial
    /// block goes through a zero-padded copy, so nothing past <paramref name="src"/> + count is read or past
    /// <paramref name="dst"/> + count written. Needs AVX512-BF16 (<see cref="IsSupported"/>).
    /// </summary>
    internal static void ToBf16(float* src, int count, ushort* dst)
    {
        var convert = (delegate* unmanaged<float*, long, ushort*, void>)s_convert.Value.Address;
        int full = count / 32, tail = count - 32 * full;
        convert(src, full, dst);
        if (tail == 0)
            return;
        float* last = stackalloc float[32];
        ushort* lastBf16 = stackalloc ushort[32];
        for (int i = 0; i < 32; i++)
            last[i] = i < tail ? src[32 * full + i] : 0f;
        convert(last, 1, lastBf16);
        for (int i = 0; i < tail; i++)
            dst[32 * full + i] = lastBf16[i];
    }
}
