using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// One task = a block of rows of C × a group of B panels, over all of K (blocks in order). Every element's sum is
/// formed by one micro-kernel call sequence whatever the thread count, so results do not depend on threads.
/// </summary>
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

        for (int kb = 0; kb < KBlocks; kb++)
        {
            int k0 = kb * KBlock;
            int kc = Math.Min(KBlock, K - k0);
            SgemmTileFlags flags = (kb == 0 ? SgemmTileFlags.FirstBlock : 0)
                                   | (kb == KBlocks - 1 ? SgemmTileFlags.LastBlock : 0)
                                   | (Accumulate ? SgemmTileFlags.Accumulate : 0);
            bool readsC = kb > 0 || Accumulate;
            // Strip of A outer (MR × kc floats stay in L1), panels inner (the task's B block streams from L2),
            // as MLAS does: the A broadcasts then always hit L1 whatever lda is.
            for (int i = i0; i < i1; i += mr)
            {
                int rows = Math.Min(mr, i1 - i);
                float* a = A + i * Lda + k0;
                for (int p = p0; p < p1; p++)
                {
                    float* panel = B + (nint)k0 * PaddedN + (nint)p * kc * nr;
                    int col0 = p * nr;
                    int cols = Math.Min(nr, N - col0);
                    float* bias = Bias == null ? null : Bias + col0;
                    float* c = C + i * Ldc + col0;
                    if (cols == nr)
                    {
                        Call(a, rows, panel, kc, c, Ldc, bias, flags);
                        continue;
                    }
                    if (bias != null)
                    {
                        for (int j = 0; j < nr; j++)
                            scratchBias[j] = j < cols ? bias[j] : 0f;
                        bias = scratchBias;
                    }
                    if (readsC)
                    {
                        for (int r = 0; r < rows; r++)
                            for (int j = 0; j < cols; j++)
                                scratchC[r * nr + j] = c[r * Ldc + j];
                    }
                    Call(a, rows, panel, kc, scratchC, nr, bias, flags);
                    for (int r = 0; r < rows; r++)
                        for (int j = 0; j < cols; j++)
                            c[r * Ldc + j] = scratchC[r * nr + j];
                }
            }
        }
    }

    private readonly void Call(float* a, int rows, float* panel, int kc, float* c, nint ldc, float* bias, SgemmTileFlags flags)
    {
        switch (Kernel)
        {
            case SgemmKernelKind.Avx2Fma6x16:
                SgemmKernels.Sgemm_6x16_Avx2Fma(a, Lda, rows, panel, kc, c, ldc, Alpha, bias, flags, Activation);
                break;
            case SgemmKernelKind.Neon8x8:
                SgemmKernels.Sgemm_8x8_Neon(a, Lda, rows, panel, kc, c, ldc, Alpha, bias, flags, Activation);
                break;
            default:
                SgemmKernels.Sgemm_4x8_Scalar(a, Lda, rows, panel, kc, c, ldc, Alpha, bias, flags, Activation);
                break;
        }
    }
}
