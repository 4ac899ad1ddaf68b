namespace MlNetGraviton.Kernels.Tests.Sbgemm;

/// <summary>
/// (M, K, N) cases: sub-tiles and K around the step of 4 in every combination, then larger sizes in one dimension.
/// <c>MLNETGRAVITON_TEST_SHAPES=reduced</c> (QEMU, where BFMMLA is emulated slowly) keeps a subset.
/// </summary>
internal static class SbgemmShapes
{
    public static bool Reduced =>
        string.Equals(Environment.GetEnvironmentVariable("MLNETGRAVITON_TEST_SHAPES"), "reduced", StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<(int M, int K, int N)> All()
    {
        // M around the 8-row tile, N around the 12-column tile (and two of them).
        int[] ms = Reduced ? [1, 3, 7, 8, 9, 16, 17] : [1, 2, 3, 5, 7, 8, 9, 12, 15, 16, 17];
        int[] ns = Reduced ? [1, 3, 11, 12, 13, 24, 25] : [1, 2, 3, 5, 8, 11, 12, 13, 16, 23, 24, 25];
        int[] ks = Reduced ? [1, 3, 4, 5, 17] : [1, 2, 3, 4, 5, 7, 8, 9, 16, 17];
        foreach (int m in ms)
            foreach (int n in ns)
                foreach (int k in ks)
                    yield return (m, k, n);
        int[] large = Reduced ? [65, 769] : [31, 64, 65, 127, 769];
        int[] others = [3, 17];
        foreach (int big in large)
        {
            foreach (int o1 in others)
            {
                foreach (int o2 in others)
                {
                    yield return (big, o1, o2);
                    yield return (o1, big, o2);
                    yield return (o1, o2, big);
                }
            }
        }
        yield return (64, 771, 65);
    }
}
