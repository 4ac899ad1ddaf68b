namespace MlNetGraviton.Kernels.Threading;

/// <summary>
/// One unit of parallel work, addressed by index. Implemented by a struct so
/// <see cref="KernelThreadPool.For{T}(ref T, int, int)"/> runs it without boxing or allocating.
/// </summary>
public interface ITileTask
{
    /// <summary>Runs task <paramref name="taskIndex"/> (0 ≤ index &lt; task count). Called once per index, from any thread.</summary>
    void Run(int taskIndex);
}
