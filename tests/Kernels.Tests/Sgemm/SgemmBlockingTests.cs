using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Fp32;

/// <summary>
/// The driver's cache blocking: tasks cut over rows and B panels, the per-thread copy of A per K block, and K blocks
/// that do not divide K. Every case is checked against the double reference, and thread counts against each other.
/// </summary>
public sealed class SgemmBlockingTests
{
    // The switch the Arm64 runner sets for emulated (QEMU) runs, as the other kernels' sweeps read it.
    private static bool Reduced =>
        string.Equals(Environment.GetEnvironmentVariable("MLNETGRAVITON_TEST_SHAPES"), "reduced", StringComparison.OrdinalIgnoreCase);

    [Theory]
    [MemberData(nameof(SgemmKernelsUnderTest.All), MemberType = typeof(SgemmKernelsUnderTest))]
    public void Row_blocks_panel_groups_and_uneven_K_blocks_match_the_reference(SgemmKernelKind kernel)
    {
        // M beyond one row block (193, 385), N tails (17, 200), K with a short or uneven last block (257, 513, 769),
        // and an lda that is a multiple of 4 KiB, where unpacked A rows would share L1 sets.
        // Emulated (QEMU) runs keep the cases that cross each block edge once.
        bool reduced = Reduced;
        (int, int, int, int?)[] cases = reduced
            ? [(193, 17, 257, null), (13, 48, 1024, 2048)]
            : [(193, 17, 257, null), (385, 200, 513, null), (200, 33, 769, 1024), (13, 48, 1024, 2048)];
        foreach ((int m, int n, int k, int? lda) in cases)
        {
            foreach (int threads in reduced ? new[] { 1, 3 } : new[] { 1, 2, 3 })
                new SgemmTester { M = m, N = n, K = k, Lda = lda, Bias = true, Threads = threads }.Test(kernel);
        }
    }

    [Theory]
    [MemberData(nameof(SgemmKernelsUnderTest.All), MemberType = typeof(SgemmKernelsUnderTest))]
    public void Row_split_and_column_split_runs_are_bit_identical_to_one_thread(SgemmKernelKind kernel)
    {
        // One panel and many rows forces a split over rows; many panels and few rows a split over columns.
        (int, int, int)[] cases = Reduced
            ? [(200, 16, 300), (7, 700, 129)]
            : [(400, 16, 300), (7, 700, 129), (385, 97, 513)];
        foreach ((int m, int n, int k) in cases)
        {
            var epilogueCase = (int threads) => new SgemmTester
            {
                M = m, N = n, K = k, Alpha = 0.75f, Bias = true, Accumulate = true, Activation = GemmActivation.GeluErf,
                Ldc = n + 3, Threads = threads,
            };
            float[] one = epilogueCase(1).Test(kernel);
            foreach (int threads in new[] { 2, 4, 7 })
                Assert.Equal(one, epilogueCase(threads).Test(kernel));
        }
    }

    [Theory]
    [InlineData(128, 6, 48, 1)]
    [InlineData(128, 6, 48, 2)]
    [InlineData(128, 6, 192, 2)]
    [InlineData(1, 6, 48, 2)]
    [InlineData(400, 6, 1, 2)]
    [InlineData(5, 6, 1, 4)]
    [InlineData(1000, 6, 3, 3)]
    [InlineData(193, 8, 97, 7)]
    [InlineData(2048, 4, 1, 1)]
    public void Partition_covers_every_tile_once(int m, int mr, int panels, int threads)
    {
        (int rowsPerTask, int rowTasks, int panelsPerTask, int columnTasks) = Sgemm.Partition(m, mr, panels, threads);
        Assert.True(rowsPerTask % mr == 0, $"rows per task {rowsPerTask} is not a multiple of MR = {mr}");
        Assert.True(rowsPerTask <= Math.Max(Sgemm.MaxRowsPerTask, mr), $"rows per task {rowsPerTask} exceed the L2 block");
        Assert.True((rowTasks - 1) * rowsPerTask < m && rowTasks * rowsPerTask >= m, "row tasks do not cover M exactly");
        Assert.True((columnTasks - 1) * panelsPerTask < panels && columnTasks * panelsPerTask >= panels, "column tasks do not cover the panels exactly");
        int tiles = ((m + mr - 1) / mr) * panels;
        if (threads > 1)
            Assert.True(rowTasks * columnTasks >= Math.Min(threads, tiles), $"{rowTasks}×{columnTasks} tasks leave threads idle");
        else
            Assert.Equal(1, columnTasks); // one thread copies each A block once
    }
}
