using System.Buffers;
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
        int mBlocks = (m + MR - 1) / MR;
        float[] zeros = ArrayPool<float>.Shared.Rent(NR);
        try
        {
            Array.Clear(zeros, 0, NR);
            fixed (float* pz = zeros)
            {
                int rowGroups = Avx512TileTask.RowGroupsFor(threads, b.Panels, mBlocks);
                var task = new Avx512TileTask
                {
                    A = (uint*)a, ABlockStride = (long)MR * lda, LdaBytes = (long)lda * sizeof(float), K = b.K, DirectA = true,
                    B = (uint*)b.Data, PanelStride = (long)b.K * NR, Steps = b.K,
                    C = c, Ldc = ldc, M = m, N = b.N, Alpha = alpha,
                    Bias = bias, Zeros = pz, Activation = activation, Accumulate = accumulate,
                    BlocksPerTask = (mBlocks + rowGroups - 1) / rowGroups, RowGroups = rowGroups, MBlocks = mBlocks,
                    Store = (delegate* unmanaged<uint*, uint*, long, float*, long, SbgemmX86Epilogue*, void>)
                        s_code[(int)(accumulate ? SbgemmAvx512Bf16Emitter.Output.Accumulate : SbgemmAvx512Bf16Emitter.Output.Store)].Value.Address,
                    Tile = (delegate* unmanaged<uint*, uint*, long, float*, long, SbgemmX86Epilogue*, void>)
                        s_code[(int)SbgemmAvx512Bf16Emitter.Output.Tile].Value.Address,
                };
                KernelThreadPool.Shared.For(ref task, rowGroups * b.Panels, threads);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(zeros);
        }
    }
}
