using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>Packs A's row blocks (and their row sums) in parallel before the tiles run: task t packs a run of blocks.</summary>
internal unsafe struct QgemmPackATask : ITileTask
{
    public QgemmKernel Kernel;
    public byte* A;
    public int Lda;
    public int M;
    public int K;
    public bool SourceSigned;
    public byte* PackedA;
    public int PackedABlockBytes;
    public int* RowSums;
    public int MBlocks;
    public int BlocksPerTask;

    public void Run(int taskIndex)
    {
        int mr = Kernel.MR;
        int end = Math.Min(MBlocks, (taskIndex + 1) * BlocksPerTask);
        for (int blk = taskIndex * BlocksPerTask; blk < end; blk++)
        {
            int row0 = blk * mr;
            Kernel.PackABlock(A + (long)row0 * Lda, Lda, Math.Min(mr, M - row0), K, SourceSigned,
                PackedA + (long)blk * PackedABlockBytes, RowSums + row0);
        }
    }
}
