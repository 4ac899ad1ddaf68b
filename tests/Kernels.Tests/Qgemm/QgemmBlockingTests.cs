using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Qgemm;

/// <summary>The QGEMM task partition: every tile exactly once, L2-sized A chunks, threads on different B panels.</summary>
public sealed class QgemmBlockingTests
{
    [Theory]
    [InlineData(1, 6 * 772, 1, 1)]
    [InlineData(22, 6 * 768, 48, 1)]
    [InlineData(22, 6 * 768, 48, 2)]
    [InlineData(22, 6 * 3072, 48, 2)]
    [InlineData(22, 6 * 768, 1, 2)]
    [InlineData(3, 6 * 64, 1, 3)]
    [InlineData(400, 6 * 1024, 7, 2)]
    [InlineData(117, 6 * 772, 5, 3)]
    public void TasksCoverEveryTileOnce(int mBlocks, int blockBytes, int panels, int threads)
    {
        QgemmBlocking blocking = QgemmBlocking.For(mBlocks, blockBytes, panels, threads);
        var seen = new int[mBlocks, panels];
        for (int t = 0; t < blocking.TaskCount; t++)
        {
            int chunk = t / blocking.PanelTasks, group = t % blocking.PanelTasks;
            int tiles = 0;
            for (int p = group * blocking.PanelsPerTask; p < Math.Min(panels, (group + 1) * blocking.PanelsPerTask); p++)
            {
                for (int blk = chunk * blocking.BlocksPerChunk; blk < Math.Min(mBlocks, (chunk + 1) * blocking.BlocksPerChunk); blk++)
                {
                    seen[blk, p]++;
                    tiles++;
                }
            }
            Assert.True(tiles > 0, $"task {t} is empty");
        }
        foreach (int count in seen)
            Assert.Equal(1, count);
        // A chunk stays within the L2 budget unless one block alone exceeds it.
        Assert.True(blocking.BlocksPerChunk == 1 || (long)blocking.BlocksPerChunk * blockBytes <= QgemmBlocking.ChunkBytes);
        if (threads > 1 && (long)mBlocks * panels >= threads)
            Assert.True(blocking.TaskCount >= threads, $"{blocking.TaskCount} tasks for {threads} threads");
    }

    [Fact]
    public void ManyChunksAndThreadsGiveTheExactResult()
    {
        // 700 rows × K 769 pack to 117 blocks of 6 × 772 bytes = 542 KB: three chunks; N = 40 is three panels.
        foreach (string kernel in MlNetGraviton.Kernels.Gemm.Qgemm.SupportedKernels(CpuFeatures.Detected))
        {
            int[] one = new QgemmTester { Kernel = kernel, M = 700, K = 769, N = 40, AZeroPoint = 131, Threads = 1, LdaPad = 5 }.CheckInt32();
            foreach (int threads in new[] { 2, 3 })
                Assert.Equal(one, new QgemmTester { Kernel = kernel, M = 700, K = 769, N = 40, AZeroPoint = 131, Threads = threads, LdaPad = 5 }.CheckInt32());
        }
    }
}
