using System.Runtime.Intrinsics.X86;
using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// One task = a block of rows of C × a group of B panels, over all of K (blocks in order). Every element's sum is
/// formed by one micro-kernel call sequence whatever the thread count, so results do not depend on threads.
/// </summary>
/// <remarks>
/// Loop order (BLIS / GotoBLAS): per K block the task's rows of A are copied into a contiguous per-thread block
/// (row stride = the K block, so the 6 rows of a strip never share L1 sets, whatever lda is; it stays in L2), then
/// for each B panel (kc × NR, 16 KiB: it stays in L1 while every row strip of the block passes over it) the row
/// strips run. Each B value therefore comes from memory once per task, and the L2 traffic per K step is the A strip
/// (MR floats), not the B panel row.
/// </remarks>
internal unsafe struct SgemmTileTask : ITileTask
{
    public SgemmKernelKind Kernel;
    public float* A;
    public nint Lda;
    public float* B;
    public float* C;
    public nint Ldc;
    public int M, N, K, KBlock, KBlocks, Mr, Nr, Panels, PaddedN;
    public int RowsPerTask, PanelsPerTask, ColumnTasks;
    public float Alpha;
    public float* Bias;
    public bool Accumulate;
    public GemmActivation Activation;

    public readonly void Run(int taskIndex)
    {
        int mb = taskIndex / ColumnTasks, nb = taskIndex % ColumnTasks;
        int i0 = mb * RowsPerTask, i1 = Math.Min(M, i0 + RowsPerTask);
        int p0 = nb * PanelsPerTask, p1 = Math.Min(Panels, p0 + PanelsPerTask);
        int mr = Mr, nr = Nr;
        float* scratchC = stackalloc float[8 * 16];   // largest MR×NR: an edge tile computed in full, then copied
        float* scratchBias = stackalloc float[16];
        float* packedA = SgemmPackedABuffer.ForCurrentThread((i1 - i0) * KBlock);

        for (int kb = 0; kb < KBlocks; kb++)
        {
            int k0 = kb * KBlock;
            int kc = Math.Min(KBlock, K - k0);
            SgemmTileFlags flags = (kb == 0 ? SgemmTileFlags.FirstBlock : 0)
                                   | (kb == KBlocks - 1 ? SgemmTileFlags.LastBlock : 0)
                                   | (Accumulate ? SgemmTileFlags.Accumulate : 0);
            bool readsC = kb > 0 || Accumulate;
            for (int i = i0; i < i1; i++)
                new ReadOnlySpan<float>(A + i * Lda + k0, kc).CopyTo(new Span<float>(packedA + (nint)(i - i0) * kc, kc));

            for (int p = p0; p < p1; p++)
            {
                float* panel = B + (nint)k0 * PaddedN + (nint)p * kc * nr;
                int col0 = p * nr;
                int cols = Math.Min(nr, N - col0);
                float* bias = Bias == null ? null : Bias + col0;
                if (cols < nr && bias != null)
                {
                    for (int j = 0; j < nr; j++)
                        scratchBias[j] = j < cols ? bias[j] : 0f;
                    bias = scratchBias;
                }
                // While this panel sits in L1, pull the next one toward L2 a slice per strip: the L1-resident sweeps
                // leave the hardware streamer idle, so the next panel's first strip would otherwise wait on L3.
                byte* next = p + 1 < p1 ? (byte*)(panel + kc * nr) : null;
                byte* nextEnd = next + kc * nr * sizeof(float);
                int sliceBytes = (kc * nr * sizeof(float) / ((i1 - i0 + mr - 1) / mr) + 63) & ~63;
                for (int i = i0; i < i1; i += mr)
                {
                    if (Sse.IsSupported && next != null)
                    {
                        byte* end = next + sliceBytes < nextEnd ? next + sliceBytes : nextEnd;
                        for (; next < end; next += 64)
                            Sse.Prefetch1(next);
                    }
                    int rows = Math.Min(mr, i1 - i);
                    float* a = packedA + (nint)(i - i0) * kc;
                    float* c = C + i * Ldc + col0;
                    if (cols == nr)
                    {
                        Call(a, kc, rows, panel, kc, c, Ldc, bias, flags);
                        continue;
                    }
                    if (readsC)
                    {
                        for (int r = 0; r < rows; r++)
                            for (int j = 0; j < cols; j++)
                                scratchC[r * nr + j] = c[r * Ldc + j];
                    }
                    Call(a, kc, rows, panel, kc, scratchC, nr, bias, flags);
                    for (int r = 0; r < rows; r++)
                        for (int j = 0; j < cols; j++)
                            c[r * Ldc + j] = scratchC[r * nr + j];
                }
            }
        }
    }

    private readonly void Call(float* a, nint lda, int rows, float* panel, int kc, float* c, nint ldc, float* bias, SgemmTileFlags flags)
    {
        switch (Kernel)
        {
            case SgemmKernelKind.Avx2Fma6x16:
                SgemmKernels.Sgemm_6x16_Avx2Fma(a, lda, rows, panel, kc, c, ldc, Alpha, bias, flags, Activation);
                break;
            case SgemmKernelKind.Neon8x8:
                SgemmKernels.Sgemm_8x8_Neon(a, lda, rows, panel, kc, c, ldc, Alpha, bias, flags, Activation);
                break;
            default:
                SgemmKernels.Sgemm_4x8_Scalar(a, lda, rows, panel, kc, c, ldc, Alpha, bias, flags, Activation);
                break;
        }
    }
}
