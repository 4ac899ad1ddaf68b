using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>Spreads QGEMM tile tasks over the shared kernel thread pool (no allocation per call).</summary>
internal static class QgemmParallel
{
    public static void For(ref QgemmTileTask task, int taskCount, int threads)
        => KernelThreadPool.Shared.For(ref task, taskCount, threads);
}
