using MlNetGraviton.Kernels.Gemm;
using SbgemmApi = MlNetGraviton.Kernels.Gemm.Sbgemm;

namespace MlNetGraviton.Kernels.Tests.Sbgemm;

/// <summary>
/// Runs one bf16 GEMM case through the public API (<see cref="SbgemmApi"/>, or with <see cref="ThroughSgemm"/> the
/// <see cref="Sgemm"/> API on a B packed for <see cref="SgemmKernelKind.Bf16Bfmmla8x12"/>) with strided A and C, A placed flush against a PROT_NONE page
/// (any over-read crashes), and checks C against <see cref="SbgemmReference"/> within the stated tolerance and
/// C's padding and tail sentinels untouched.
/// </summary>
/// <remarks>
/// Tolerance: |c − ref| ≤ (K + 8)·2⁻²³·(|alpha|·Σ|a·b| + |bias|) + 1e-30. bf16·bf16 products are exact in fp32, so the
/// kernel and the reference differ only in the order and rounding (BFMMLA: round-to-odd) of at most ~1.5·K fp32
/// additions, each off by under one ulp, plus flushed denormals (bf16 denormal inputs count as zero in BFMMLA).
/// </remarks>
internal sealed class SbgemmTester
{
    public const float Sentinel = -7777.25f;

    public int M { get; init; } = 1;
    public int K { get; init; } = 1;
    public int N { get; init; } = 1;
    public int LdaPad { get; init; }
    public int LdcPad { get; init; }
    public float Alpha { get; init; } = 1f;
    public bool WithBias { get; init; }
    /// <summary>Mix fp32 and bf16 denormals, ±0 and values just around bf16 rounding ties into A and B.</summary>
    public bool SpecialValues { get; init; }
    public int Seed { get; init; } = 1;
    public GemmActivation Activation { get; init; } = GemmActivation.None;
    /// <summary>C += …: C starts with random values that the result must include (before the activation).</summary>
    public bool Accumulate { get; init; }
    public int Threads { get; init; } = 1;
    /// <summary>Pack and run through <see cref="Sgemm.PackB(ReadOnlySpan{float}, int, int, bool, SgemmKernelKind)"/> and <see cref="Sgemm.Run"/>.</summary>
    public bool ThroughSgemm { get; init; }
    /// <summary>B given as [N, K] (Sgemm route only).</summary>
    public bool TransB { get; init; }

    public int Lda => K + LdaPad;
    public int Ldc => N + LdcPad;

    public string Describe() =>
        $"{(ThroughSgemm ? "Sgemm " : "")}M={M} K={K} N={N} lda={Lda} ldc={Ldc} alpha={Alpha} bias={WithBias} act={Activation} " +
        $"acc={Accumulate} transB={TransB} threads={Threads} special={SpecialValues} seed={Seed}";

    /// <summary>Runs and checks the case; returns C (strided, with its padding) for cross-thread comparisons.</summary>
    public unsafe float[] Check()
    {
        if (TransB && !ThroughSgemm)
            throw new InvalidOperationException("Sbgemm.PackB takes row-major B only; TransB needs ThroughSgemm.");
        var rng = new Random(Seed * 7919 + M * 131 + K * 17 + N);
        int aLength = (M - 1) * Lda + K;
        float[] a = new float[aLength];
        for (int i = 0; i < a.Length; i++)
            a[i] = Value(rng);
        float[] b = new float[K * N];
        for (int i = 0; i < b.Length; i++)
            b[i] = Value(rng);
        float[]? bias = WithBias ? Enumerable.Range(0, N).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray() : null;

        (float[] expected, float[] magnitude) = SbgemmReference.Gemm(M, K, N, a, Lda, b, Alpha, bias);
        var c = new float[(M - 1) * Ldc + N + 5];
        Array.Fill(c, Sentinel);
        if (Accumulate)
        {
            for (int i = 0; i < M; i++)
            {
                for (int j = 0; j < N; j++)
                {
                    float old = (float)(rng.NextDouble() * 4 - 2);
                    c[i * Ldc + j] = old;
                    expected[i * N + j] += old;
                    magnitude[i * N + j] += Math.Abs(old);
                }
            }
        }
        float[] bSource = b;
        if (TransB)
        {
            bSource = new float[N * K];
            for (int kk = 0; kk < K; kk++)
                for (int j = 0; j < N; j++)
                    bSource[j * K + kk] = b[kk * N + j];
        }
        SbgemmPackedB? packed = null;
        SgemmPackedB? packedForSgemm = null;
        using (var guardedB = new GuardedFloats(bSource.Length))
        {
            bSource.CopyTo(guardedB.Span); // B, too, ends flush against a PROT_NONE page while it is packed
            if (ThroughSgemm)
            {
                // The fast-math kind of this CPU: BFMMLA on Arm64, VDPBF16PS on x86-64.
                SgemmKernelKind kind = SgemmKernelInfo.SelectFastMath(CpuFeatures.Current, out string reason) ?? throw new InvalidOperationException(reason);
                packedForSgemm = Gemm.Sgemm.PackB(guardedB.Span, K, N, TransB, kind);
                Assert.Equal(kind, packedForSgemm.Kernel);
                Assert.True(SgemmKernelInfo.IsFastMath(kind));
            }
            else
            {
                packed = SbgemmApi.PackB(guardedB.Span, K, N);
            }
        }
        using (var guardedA = new GuardedFloats(aLength))
        {
            a.CopyTo(guardedA.Span);
            if (packedForSgemm is not null)
            {
                var epilogue = new SgemmEpilogue { Alpha = Alpha, Bias = bias, Activation = Activation, Accumulate = Accumulate };
                Gemm.Sgemm.Run(M, guardedA.Span, Lda, packedForSgemm, c, Ldc, epilogue, Threads);
            }
            else
            {
                SbgemmApi.Run(M, guardedA.Span, Lda, packed!, c, Ldc, Alpha, bias, Activation, Accumulate, Threads);
            }
        }

        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < Ldc && i * Ldc + j < c.Length; j++)
            {
                float actual = c[i * Ldc + j];
                if (j >= N)
                {
                    if (BitConverter.SingleToInt32Bits(actual) != BitConverter.SingleToInt32Bits(Sentinel))
                        Assert.Fail($"{Describe()}: padding C[{i},{j}] was overwritten ({actual})");
                    continue;
                }
                float want = expected[i * N + j];
                double tolerance = (K + 8) * Math.Pow(2, -23) * magnitude[i * N + j] + 1e-30;
                if (Activation != GemmActivation.None)
                {
                    // GELU's slope is at most 1.13; its float evaluation adds a few ulps (1e-6 relative, 1e-7 absolute here).
                    double x = want;
                    want = (float)(Activation == GemmActivation.GeluErf ? GeluErf(x) : GeluTanh(x));
                    tolerance = 1.13 * tolerance + 1e-6 * Math.Abs(x) + 1e-7;
                }
                if (!(Math.Abs((double)actual - want) <= tolerance))
                    Assert.Fail($"{Describe()}: C[{i},{j}] = {actual:R}, reference {want:R}, |err| {Math.Abs((double)actual - want):E2} > {tolerance:E2}");
            }
        }
        for (int t = (M - 1) * Ldc + N; t < c.Length; t++)
            Assert.True(BitConverter.SingleToInt32Bits(c[t]) == BitConverter.SingleToInt32Bits(Sentinel), $"{Describe()}: C tail [{t}] was overwritten");
        return c;
    }

    private static double GeluErf(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    private static double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    // erf by its Taylor series (|x| < 3) and continued fraction beyond: 1e-15 accurate, independent of the library.
    private static double Erf(double x)
    {
        double ax = Math.Abs(x);
        if (ax > 6)
            return Math.Sign(x);
        if (ax < 3)
        {
            double sum = ax, term = ax;
            for (int n = 1; n < 200; n++)
            {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.Abs(add) < 1e-17 * Math.Abs(sum))
                    break;
            }
            return Math.Sign(x) * 2 / Math.Sqrt(Math.PI) * sum;
        }
        double f = ax;
        for (int n = 60; n >= 1; n--)
            f = ax + n / (2 * f);
        return Math.Sign(x) * (1 - Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / f);
    }

    private float Value(Random rng)
    {
        if (SpecialValues)
        {
            switch (rng.Next(8))
            {
                case 0: return (float)(rng.NextDouble() * 2 - 1) * 1e-39f;                // fp32 denormal
                case 1: return BitConverter.UInt32BitsToSingle(0x0000_8000u);              // bf16 tie below the smallest denormal
                case 2: return rng.Next(2) == 0 ? 0f : -0f;
                case 3: return BitConverter.UInt32BitsToSingle(0x3F80_8000u | (uint)rng.Next(2) << 16); // exact ties at 1.0
                case 4: return 1e-37f * (float)(rng.NextDouble() + 0.5);                   // tiny normals
                default: break;
            }
        }
        return (float)(rng.NextDouble() * 2 - 1);
    }
}
