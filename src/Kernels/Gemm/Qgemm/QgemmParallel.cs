using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>Spreads QGEMM tasks (A packing, tiles) over the shared kernel thread pool (no allocation per call).</summary>
internal static class QgemmParallel
{
    public static void For<T>(ref T task, int taskCount, int threads)
        where T : struct, ITileTask
        => KernelThreadPool.Shared.For(ref task, taskCount, threads);
}
