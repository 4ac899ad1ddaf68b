namespace MlNetGraviton.Kernels.Tests.Qgemm;

/// <summary>
/// The (M, K, N) sweep: every (M, N) in 1..17 with K in {1, 7, 8, 16, 17, 64} (sub-tiles and K around every K step),
/// then each larger size (31, 64, 65, 127, 769) in one dimension with the others at a few values.
/// <c>MLNETGRAVITON_TEST_SHAPES=reduced</c> keeps a subset for slow emulated runs (QEMU).
/// </summary>
internal static class QgemmShapes
{
    public const string EnvironmentVariable = "MLNETGRAVITON_TEST_SHAPES";

    public static bool Reduced =>
        string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), "reduced", StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<(int M, int K, int N)> All()
    {
        int[] smallKs = Reduced ? [1, 7, 8, 17] : [1, 7, 8, 16, 17, 64];
        int[] smallMn = Reduced ? [1, 2, 3, 5, 7, 8, 9, 12, 15, 16, 17] : Enumerable.Range(1, 17).ToArray();
        foreach (int m in smallMn)
            foreach (int n in smallMn)
                foreach (int k in smallKs)
                    yield return (m, k, n);

        int[] large = Reduced ? [31, 65, 769] : [31, 64, 65, 127, 769];
        int[] others = Reduced ? [3, 17] : [1, 5, 17, 33];
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
        yield return (64, 769, 65);
        if (!Reduced)
            yield return (127, 256, 129);
    }
}
