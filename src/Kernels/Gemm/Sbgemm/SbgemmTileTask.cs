using System.Runtime.Intrinsics;
using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// One bf16 task = a block of rows of C (a multiple of 8) × a group of B's 12-column panels. Per 8-row block, A is
/// converted to bf16 once into the thread's packed-A buffer (BFCVTN, the K tail in C#), then every panel of the group
/// runs the BFMMLA kernel over all of K. Every element is one kernel call whatever the thread count, so results do not
/// depend on threads. A struct over raw pointers: the caller pins A, C and the bias for the duration of the call.
/// </summary>
/// <remarks>
/// The kernel stores alpha·A·B + bias. Accumulate (C += …) and edge tiles go through a stack tile: the old C is added
/// there, then the activation, then the tile's valid part is copied out, so nothing past C is ever written.
/// </remarks>
internal unsafe struct SbgemmTileTask : ITileTask
{
    private const int MR = Sbgemm.MR, NR = Sbgemm.NR;

    public float* A;
    public nint Lda;
    public SbgemmPackedB B;
    public float* C;
    public nint Ldc;
    public int M;
    public int RowsPerTask, PanelsPerTask, ColumnTasks;
    public float Alpha;
    public float* Bias;
    public bool Accumulate;
    public GemmActivation Activation;

    public readonly void Run(int taskIndex)
    {
        int mb = taskIndex / ColumnTasks, nb = taskIndex % ColumnTasks;
        int i0 = mb * RowsPerTask, i1 = Math.Min(M, i0 + RowsPerTask);
        int p0 = nb * PanelsPerTask, p1 = Math.Min(B.PanelCount, p0 + PanelsPerTask);
        int k = B.K, n = B.N, steps = B.KSteps, fullSteps = k / 4, tailK = k % 4;
        var kernel = Sbgemm_8x12_Bfmmla.Function;
        var packA = SbgemmPackA_8_Bfcvtn.Function;
        ushort* packedA = SgemmPackedABuffer.BFloat16ForCurrentThread(steps * 4 * MR);
        float* tile = stackalloc float[MR * NR];
        float* zeroBias = stackalloc float[NR];
        float* biasTile = stackalloc float[NR];
        float** rows = stackalloc float*[MR];
        new Span<float>(zeroBias, NR).Clear();
        float alpha = Alpha;

        for (int r0 = i0; r0 < i1; r0 += MR)
        {
            int rowCount = Math.Min(MR, i1 - r0);
            // Missing rows of a short block repeat the block's last row: always inside A; their results are dropped.
            for (int r = 0; r < MR; r++)
                rows[r] = A + (r0 + Math.Min(r, rowCount - 1)) * Lda;
            packA(rows, packedA, fullSteps);
            if (tailK != 0)
                Sbgemm.PackATail(rows, fullSteps, tailK, packedA + fullSteps * 4 * MR);

            for (int panel = p0; panel < p1; panel++)
            {
                int j0 = panel * NR, colCount = Math.Min(NR, n - j0);
                float* bias = zeroBias;
                if (Bias != null)
                {
                    if (colCount == NR)
                    {
                        bias = Bias + j0;
                    }
                    else
                    {
                        new Span<float>(biasTile, NR).Clear();
                        new ReadOnlySpan<float>(Bias + j0, colCount).CopyTo(new Span<float>(biasTile, NR));
                        bias = biasTile;
                    }
                }
                float* cTile = C + r0 * Ldc + j0;
                if (rowCount == MR && colCount == NR && !Accumulate)
                {
                    kernel(packedA, B.Panel(panel), steps, cTile, (long)Ldc * sizeof(float), &alpha, bias);
                    if (Activation != GemmActivation.None)
                    {
                        for (int r = 0; r < MR; r++)
                            SgemmActivationMath.Apply(cTile + r * Ldc, NR, Activation);
                    }
                    continue;
                }
                kernel(packedA, B.Panel(panel), steps, tile, NR * sizeof(float), &alpha, bias);
                for (int r = 0; r < rowCount; r++)
                {
                    float* src = tile + r * NR, dst = cTile + r * Ldc;
                    if (Accumulate)
                        AddInto(src, dst, colCount);
                    if (Activation != GemmActivation.None)
                        SgemmActivationMath.Apply(src, colCount, Activation);
                    new ReadOnlySpan<float>(src, colCount).CopyTo(new Span<float>(dst, colCount));
                }
            }
        }
    }

    /// <summary>tile[j] += c[j]: the old C joins after alpha and bias, before the activation.</summary>
    private static void AddInto(float* tile, float* c, int count)
    {
        int j = 0;
        for (; j + 4 <= count; j += 4)
            (Vector128.Load(tile + j) + Vector128.Load(c + j)).Store(tile + j);
        for (; j < count; j++)
            tile[j] += c[j];
    }
}
