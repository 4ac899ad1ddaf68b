using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Tests.Threading;

/// <summary>Runs alone (no other test allocating meanwhile), so the process-wide allocation count means something.</summary>
[CollectionDefinition(nameof(KernelThreadPoolAllocationTests), DisableParallelization = true)]
public sealed class KernelThreadPoolAllocationCollection;

[Collection(nameof(KernelThreadPoolAllocationTests))]
public sealed unsafe class KernelThreadPoolAllocationTests
{
    private struct CountingTask : ITileTask
    {
        public int* Counts;

        public readonly void Run(int taskIndex) => Interlocked.Increment(ref Counts[taskIndex]);
    }

    [Fact]
    public void Warmed_calls_allocate_nothing()
    {
        int[] counts = new int[64];
        fixed (int* p = counts)
        {
            var task = new CountingTask { Counts = p };
            for (int i = 0; i < 50; i++)
                KernelThreadPool.Shared.For(ref task, 64, threads: 2);

            long callerBefore = GC.GetAllocatedBytesForCurrentThread();
            long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < 100; i++)
                KernelThreadPool.Shared.For(ref task, 64, threads: 2);
            long callerDelta = GC.GetAllocatedBytesForCurrentThread() - callerBefore;
            long totalDelta = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;

            Assert.Equal(0, callerDelta);
            // Other test threads may allocate meanwhile; 100 calls allocating anything per call would exceed this.
            Assert.True(totalDelta < 8 * 1024, $"{totalDelta} bytes allocated process-wide over 100 calls");
        }
    }
}
