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

            // The caller's own counter must not move at all. The process-wide count also sees the test host's
            // threads (timers, reporting), so it takes the quietest of a few windows.
            long callerDelta = 0, totalDelta = long.MaxValue;
            for (int attempt = 0; attempt < 5; attempt++)
            {
                long callerBefore = GC.GetAllocatedBytesForCurrentThread();
                long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
                for (int i = 0; i < 100; i++)
                    KernelThreadPool.Shared.For(ref task, 64, threads: 2);
                callerDelta += GC.GetAllocatedBytesForCurrentThread() - callerBefore;
                totalDelta = Math.Min(totalDelta, GC.GetTotalAllocatedBytes(precise: true) - totalBefore);
            }

            Assert.Equal(0, callerDelta);
            // Other test threads may allocate meanwhile; 100 calls allocating anything per call would exceed this.
            Assert.True(totalDelta < 8 * 1024, $"{totalDelta} bytes allocated process-wide in the quietest window of 100 calls");
        }
    }

    [Fact]
    public void Warmed_sgemm_runs_allocate_nothing_on_the_caller()
    {
        const int M = 37, K = 64, N = 50;
        float[] a = new float[M * K], b = new float[K * N], c = new float[M * N], bias = new float[N];
        MlNetGraviton.Kernels.Gemm.SgemmPackedB packed = MlNetGraviton.Kernels.Gemm.Sgemm.PackB(b, K, N);
        var epilogue = new MlNetGraviton.Kernels.Gemm.SgemmEpilogue { Bias = bias, Activation = MlNetGraviton.Kernels.Gemm.GemmActivation.GeluErf };
        for (int i = 0; i < 20; i++)
            MlNetGraviton.Kernels.Gemm.Sgemm.Run(M, a, K, packed, c, N, epilogue, threads: 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
            MlNetGraviton.Kernels.Gemm.Sgemm.Run(M, a, K, packed, c, N, epilogue, threads: 2);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
