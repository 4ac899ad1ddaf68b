using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Fp32;

/// <summary>
/// The one case driver every SGEMM variant goes through (XNNPACK's GEMM tester style): set the shape and options,
/// then <see cref="Test"/> a kernel. It fills A and C's gaps with NaN / sentinels, runs
/// <see cref="Sgemm.Run"/>, and checks every element against <see cref="SgemmReference"/> and every gap untouched.
/// Tolerance: |got − ref| ≤ (K + 4)·2⁻²⁴·scale + 4e-6·|ref| + 1e-30, where scale = |alpha|·Σ|a||b| + |bias| + |C|
/// (the worst-case float summation bound, plus the GELU approximation's relative error).
/// </summary>
internal sealed class SgemmTester
{
    private const float Sentinel = -12345.678f;

    public int M { get; init; } = 1;
    public int N { get; init; } = 1;
    public int K { get; init; } = 1;
    public int? Lda { get; init; }
    public int? Ldc { get; init; }
    public bool TransB { get; init; }
    public float Alpha { get; init; } = 1f;
    public bool Bias { get; init; }
    public GemmActivation Activation { get; init; }
    public bool Accumulate { get; init; }
    public int Threads { get; init; } = 1;
    public int Seed { get; init; } = 1;

    public override string ToString() =>
        $"M={M} N={N} K={K} lda={Lda ?? K} ldc={Ldc ?? N} transB={TransB} alpha={Alpha} bias={Bias} act={Activation} acc={Accumulate} threads={Threads}";

    /// <summary>Runs the case on <paramref name="kernel"/> and returns C (for cross-thread comparisons).</summary>
    public float[] Test(SgemmKernelKind kernel)
    {
        int lda = Lda ?? K, ldc = Ldc ?? N;
        var rng = new Random(Seed * 7919 + M * 131 + N * 17 + K);
        float[] a = new float[Math.Max(0, (M - 1) * lda + K) + 3];
        Array.Fill(a, float.NaN); // any read of a gap or past the end poisons the result
        for (int i = 0; i < M; i++)
            for (int p = 0; p < K; p++)
                a[i * lda + p] = NextValue(rng);
        float[] b = new float[K * N];
        for (int i = 0; i < b.Length; i++)
            b[i] = NextValue(rng);
        float[]? bias = Bias ? Enumerable.Range(0, N).Select(_ => NextValue(rng)).ToArray() : null;
        float[] c = new float[Math.Max(0, (M - 1) * ldc + N) + 5];
        Array.Fill(c, Sentinel);
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
                c[i * ldc + j] = Accumulate ? NextValue(rng) : float.NaN; // NaN: without Accumulate C must be overwritten, not read

        (double[] expected, double[] scale) = SgemmReference.Gemm(M, K, N, a, lda, b, TransB, c, ldc, Alpha, bias, Accumulate, Activation);

        SgemmPackedB packed = Sgemm.PackB(b, K, N, TransB, kernel);
        Assert.Equal(kernel, packed.Kernel);
        var epilogue = new SgemmEpilogue { Alpha = Alpha, Bias = bias, Activation = Activation, Accumulate = Accumulate };
        Sgemm.Run(M, a.AsSpan(0, a.Length - 3), lda, packed, c.AsSpan(0, c.Length - 5), ldc, epilogue, Threads);

        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                float got = c[i * ldc + j];
                if (j >= N)
                {
                    if (i * ldc + j < c.Length && BitConverter.SingleToInt32Bits(got) != BitConverter.SingleToInt32Bits(Sentinel))
                        Assert.Fail($"{packed.KernelName} {this}: gap C[{i},{j}] overwritten with {got}");
                    continue;
                }
                double want = expected[i * N + j];
                double tol = (K + 4) * Math.Pow(2, -24) * scale[i * N + j] + 4e-6 * Math.Abs(want) + 1e-30;
                if (!(Math.Abs(got - want) <= tol))
                    Assert.Fail($"{packed.KernelName} {this}: C[{i},{j}] = {got}, expected {want} (tolerance {tol:g3})");
            }
        }
        for (int t = c.Length - 5; t < c.Length; t++)
            Assert.True(c[t] == Sentinel, $"{packed.KernelName} {this}: wrote past the end of C");
        return c;
    }

    // Values in [-2, 2] so GELU sees both tails and the middle after accumulation.
    private static float NextValue(Random rng) => (float)(rng.NextDouble() * 4 - 2);
}
