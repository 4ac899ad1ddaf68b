namespace MlNetGraviton.Kernels.Gemm;

/// <summary>Spreads QGEMM tile tasks over threads.</summary>
internal static class QgemmParallel
{
    // Single-threaded until the shared kernel thread pool is available to this module.
    public static void For(ref QgemmTileTask task, int taskCount, int threads)
    {
        for (int t = 0; t < taskCount; t++)
            task.Run(t);
    }
}
