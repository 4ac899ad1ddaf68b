namespace MlNetGraviton.Runtime.Ops.Algebra;

/// <summary>
/// How many threads a product is worth. Handing a small product to pool workers costs a wake-up each, which on a busy
/// machine can take longer than the product itself (a 128×64×128 attention head is ~1 M multiply-adds), so small
/// products stay on the calling thread.
/// </summary>
internal static class GemmThreads
{
    private const long MinMultiplyAddsPerThread = 1L << 21;

    public static int For(long m, long k, long n, int threads)
    {
        long work = m * k * n;
        return (int)Math.Clamp(work / MinMultiplyAddsPerThread, 1, Math.Max(1, threads));
    }
}
