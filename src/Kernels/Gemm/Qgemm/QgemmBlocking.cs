namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// How a QGEMM call is cut into tasks (MLAS's order): packed A is split into row chunks that stay in one core's L2,
/// and B's panels into groups; a task sweeps its panel group over all the row blocks of its chunk, so each B panel
/// is read once per chunk into L1 and reused by every row block there. Consecutive tasks take different panel
/// groups of the same chunk, so two threads stream different parts of B instead of the same panels.
/// </summary>
internal readonly record struct QgemmBlocking(int BlocksPerChunk, int Chunks, int PanelsPerTask, int PanelTasks)
{
    /// <summary>Packed A bytes per chunk: half of a 512 KiB L2, the rest for B panels and C.</summary>
    public const int ChunkBytes = 256 * 1024;

    // With several threads, this many tasks per thread per chunk let the atomic hand-out even out a slowed core.
    private const int TasksPerThread = 4;

    public int TaskCount => Chunks * PanelTasks;

    public static QgemmBlocking For(int mBlocks, int blockBytes, int panels, int threads)
    {
        int blocksPerChunk = Math.Clamp(ChunkBytes / Math.Max(blockBytes, 1), 1, mBlocks);
        int chunks = (mBlocks + blocksPerChunk - 1) / blocksPerChunk;
        blocksPerChunk = (mBlocks + chunks - 1) / chunks; // even chunks
        int wanted = threads == 1 ? 1 : threads * TasksPerThread;
        int panelsPerTask = Math.Max(1, (panels + wanted - 1) / wanted);
        if (threads > 1 && chunks * ((panels + panelsPerTask - 1) / panelsPerTask) < threads)
        {
            // Too few panels to keep every thread busy: split the rows further instead.
            int rowTasks = Math.Min(mBlocks, (threads * TasksPerThread + panels - 1) / panels);
            blocksPerChunk = Math.Min(blocksPerChunk, (mBlocks + rowTasks - 1) / rowTasks);
            chunks = (mBlocks + blocksPerChunk - 1) / blocksPerChunk;
        }
        int panelTasks = (panels + panelsPerTask - 1) / panelsPerTask;
        return new QgemmBlocking(blocksPerChunk, chunks, panelsPerTask, panelTasks);
    }
}
