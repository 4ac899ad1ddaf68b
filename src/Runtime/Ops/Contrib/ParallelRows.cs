using MlNetGraviton.Kernels.Threading;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>Work over a range of rows [start, end); implemented by structs so the split allocates nothing.</summary>
internal interface IRowRangeTask
{
    void Run(int start, int end);
}

/// <summary>
/// Splits row-wise work (LayerNorm rows, GELU rows) over <see cref="KernelThreadPool"/> when it is large enough to pay
/// for the wake-ups; small inputs (one short sequence) stay on the calling thread.
/// </summary>
internal static class ParallelRows
{
    // About 10-20 µs of vector work: below this a worker's wake-up costs more than it saves.
    private const long MinElementsPerThread = 1 << 15;

    public static void For<T>(ref T task, int rows, long elementsPerRow, int threads)
        where T : struct, IRowRangeTask
    {
        long total = rows * Math.Max(1, elementsPerRow);
        int useThreads = (int)Math.Clamp(total / MinElementsPerThread, 1, Math.Max(1, Math.Min(threads, rows)));
        if (useThreads <= 1)
        {
            task.Run(0, rows);
            return;
        }
        int chunks = Math.Min(rows, useThreads * 4); // a few chunks per thread even out a busy core
        int perChunk = (rows + chunks - 1) / chunks;
        var split = new RowChunks<T> { Inner = task, Rows = rows, RowsPerChunk = perChunk };
        KernelThreadPool.Shared.For(ref split, (rows + perChunk - 1) / perChunk, useThreads);
    }

    private struct RowChunks<T> : ITileTask
        where T : struct, IRowRangeTask
    {
        public T Inner;
        public int Rows;
        public int RowsPerChunk;

        public void Run(int taskIndex)
        {
            int start = taskIndex * RowsPerChunk;
            Inner.Run(start, Math.Min(Rows, start + RowsPerChunk));
        }
    }
}
