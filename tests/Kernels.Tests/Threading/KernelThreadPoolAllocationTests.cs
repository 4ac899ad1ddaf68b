using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Tests.Threading;

/// <summary>Runs alone, so no other test shares the pool while allocations are counted.</summary>
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

    /// <summary>
    /// Measures, on every thread that runs tasks (workers and caller), what that thread allocated between two of its
    /// task runs: the pool's own dispatch, wait and wake code. Other threads of the process (test host, runtime) do
    /// not count, so the check is exact rather than a quiet-window estimate.
    /// </summary>
    private struct AllocationProbeTask : ITileTask
    {
        [ThreadStatic]
        private static long t_lastSeen;

        public long* Allocated;
        public int* Measuring;

        public readonly void Run(int taskIndex)
        {
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (Volatile.Read(ref *Measuring) != 0 && t_lastSeen != 0)
                Interlocked.Add(ref *Allocated, now - t_lastSeen);
            t_lastSeen = now;
        }
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
            for (int i = 0; i < 100; i++)
                KernelThreadPool.Shared.For(ref task, 64, threads: 2);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - callerBefore);
        }

        long allocated = 0;
        int measuring = 0;
        var probe = new AllocationProbeTask { Allocated = &allocated, Measuring = &measuring };
        for (int i = 0; i < 50; i++)
            KernelThreadPool.Shared.For(ref probe, 64, threads: 2);
        Volatile.Write(ref measuring, 1);
        for (int i = 0; i < 100; i++)
            KernelThreadPool.Shared.For(ref probe, 64, threads: 2);
        Volatile.Write(ref measuring, 0);
        Assert.Equal(0, Interlocked.Read(ref allocated));
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
