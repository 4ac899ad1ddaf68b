using QgemmApi = MlNetGraviton.Kernels.Gemm.Qgemm;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Qgemm;

/// <summary>
/// One tester for every int8 GEMM kernel (XNNPACK style): builds A, B and zero points for a case, runs the kernel
/// named by the case through the public API with strided A and C, and checks the result bit-exactly against
/// <see cref="QgemmReference"/>, and that C's padding and tail (sentinels) stay untouched.
/// </summary>
internal sealed class QgemmTester
{
    public const int IntSentinel = 0x5EED5EED;
    public const float FloatSentinel = -12345.678f;

    public required string Kernel { get; init; }
    public int M { get; init; } = 1;
    public int K { get; init; } = 1;
    public int N { get; init; } = 1;
    public bool SignedA { get; init; }
    /// <summary>A's zero point, in A's own type's range.</summary>
    public int AZeroPoint { get; init; }
    /// <summary>B's zero points: length 1 (per tensor) or N; null = random per column.</summary>
    public sbyte[]? BZeroPoints { get; init; }
    public int LdaPad { get; init; }
    public int LdcPad { get; init; }
    public int Threads { get; init; } = 1;
    /// <summary>Fixed A value for every element (saturation cases); null = random.</summary>
    public int? AFill { get; init; }
    /// <summary>Fixed B value for every element; null = random.</summary>
    public sbyte? BFill { get; init; }
    /// <summary>B itself (K × N, row-major); null = <see cref="BFill"/> or random.</summary>
    public sbyte[]? BValues { get; init; }
    /// <summary>Range of random B values (inclusive); 7-bit weights are [−64, 64].</summary>
    public int BMin { get; init; } = -128;
    public int BMax { get; init; } = 127;
    public int Seed { get; init; } = 1;

    public int Lda => K + LdaPad;
    public int Ldc => N + LdcPad;

    private (int[] aValues, sbyte[] b, sbyte[] zb) MakeData()
    {
        var rng = new Random(Seed * 7919 + M * 131 + K * 17 + N);
        var aValues = new int[Math.Max(1, (M - 1) * Lda + K)];
        for (int i = 0; i < aValues.Length; i++)
            aValues[i] = AFill ?? (SignedA ? rng.Next(-128, 128) : rng.Next(0, 256));
        var b = new sbyte[K * N];
        for (int i = 0; i < b.Length; i++)
            b[i] = BFill ?? (sbyte)rng.Next(BMin, BMax + 1);
        if (BValues is not null)
            b = BValues;
        sbyte[] zb = BZeroPoints ?? Enumerable.Range(0, N).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        return (aValues, b, zb);
    }

    public QgemmPackedB Pack(sbyte[] b, sbyte[] zb) => QgemmApi.PackB(b, K, N, zb, Kernel, CpuFeatures.Detected);

    /// <summary>Runs the int32 path and returns C compacted to M × N (after checking it and its sentinels).</summary>
    public int[] CheckInt32()
    {
        (int[] aValues, sbyte[] b, sbyte[] zb) = MakeData();
        QgemmPackedB packed = Pack(b, zb);
        Assert.Equal(Kernel, packed.KernelName);
        int[] expected = QgemmReference.Int32(M, K, N, aValues, Lda, AZeroPoint, b, zb.Select(z => (int)z).ToArray());

        var c = new int[(M - 1) * Ldc + N + 7]; // 7 past the end must stay untouched too
        Array.Fill(c, IntSentinel);
        RunInt32(aValues, packed, c);

        var compact = new int[M * N];
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < Ldc && i * Ldc + j < c.Length; j++)
            {
                int actual = c[i * Ldc + j];
                if (j < N)
                {
                    compact[i * N + j] = actual;
                    if (actual != expected[i * N + j])
                        Assert.Fail($"{Describe()}: C[{i},{j}] = {actual}, reference {expected[i * N + j]}");
                }
                else if (actual != IntSentinel)
                {
                    Assert.Fail($"{Describe()}: padding C[{i},{j}] was overwritten ({actual})");
                }
            }
        }
        for (int t = (M - 1) * Ldc + N; t < c.Length; t++)
        {
            if (c[t] != IntSentinel)
                Assert.Fail($"{Describe()}: element {t} past the end of C was overwritten");
        }
        return compact;
    }

    /// <summary>Runs the fused float path and checks it against double math; returns C compacted to M × N.</summary>
    public float[] CheckFloat(float aScale, float[] bScales, float[]? bias, GemmActivation activation = GemmActivation.None)
    {
        (int[] aValues, sbyte[] b, sbyte[] zb) = MakeData();
        QgemmPackedB packed = Pack(b, zb);
        int[] exact = QgemmReference.Int32(M, K, N, aValues, Lda, AZeroPoint, b, zb.Select(z => (int)z).ToArray());
        double[] expected = QgemmReference.Float(M, N, exact, aScale, bScales, bias);

        var c = new float[(M - 1) * Ldc + N + 5];
        Array.Fill(c, FloatSentinel);
        var epilogue = new QgemmEpilogue { AScale = aScale, BScales = bScales, Bias = bias ?? ReadOnlyMemory<float>.Empty, Activation = activation };
        if (SignedA)
            QgemmApi.Run(M, ToSigned(aValues), Lda, (sbyte)AZeroPoint, packed, c.AsSpan(), Ldc, epilogue, Threads);
        else
            QgemmApi.Run(M, ToUnsigned(aValues), Lda, (byte)AZeroPoint, packed, c.AsSpan(), Ldc, epilogue, Threads);

        var compact = new float[M * N];
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < Ldc && i * Ldc + j < c.Length; j++)
            {
                float actual = c[i * Ldc + j];
                if (j < N)
                {
                    compact[i * N + j] = actual;
                    double x = expected[i * N + j];
                    double scale = (double)aScale * bScales[bScales.Length == 1 ? 0 : j];
                    // float(int) rounds (2⁻²⁴ rel), aScale·bScale rounds, the product rounds, the bias add rounds:
                    // four float roundings of magnitudes ≤ |C·scale| + |bias|.
                    double tolerance = 4.0 * Math.Pow(2, -24) * (Math.Abs(exact[i * N + j] * scale) + Math.Abs(bias?[j] ?? 0)) + 1e-30;
                    double want = Fp32.SgemmReference.Activate(x, activation);
                    if (activation != GemmActivation.None)
                    {
                        // GELU's slope is at most 1.13 (input error carries over), plus the shared GELU helpers' own error:
                        // ≤ 1e-6 + 2e-7·x² relative, absolute ≤ 1e-7·|x| in the far negative tail.
                        tolerance = 1.2 * tolerance + (2e-6 + 2e-7 * x * x) * Math.Abs(want) + 1e-7 * Math.Abs(x) + 1e-30;
                    }
                    if (!(Math.Abs(actual - want) <= tolerance))
                        Assert.Fail($"{Describe()}: float C[{i},{j}] = {actual}, reference {want} (tolerance {tolerance:g3})");
                }
                else if (actual != FloatSentinel)
                {
                    Assert.Fail($"{Describe()}: padding C[{i},{j}] was overwritten ({actual})");
                }
            }
        }
        for (int t = (M - 1) * Ldc + N; t < c.Length; t++)
        {
            if (c[t] != FloatSentinel)
                Assert.Fail($"{Describe()}: element {t} past the end of C was overwritten");
        }
        return compact;
    }

    private void RunInt32(int[] aValues, QgemmPackedB packed, int[] c)
    {
        if (SignedA)
            QgemmApi.Run(M, ToSigned(aValues), Lda, (sbyte)AZeroPoint, packed, c.AsSpan(), Ldc, Threads);
        else
            QgemmApi.Run(M, ToUnsigned(aValues), Lda, (byte)AZeroPoint, packed, c.AsSpan(), Ldc, Threads);
    }

    private static sbyte[] ToSigned(int[] values) => values.Select(v => (sbyte)v).ToArray();
    private static byte[] ToUnsigned(int[] values) => values.Select(v => (byte)v).ToArray();

    public string Describe() =>
        $"{Kernel} {(SignedA ? "s8" : "u8")}×s8 M={M} K={K} N={N} lda={Lda} ldc={Ldc} za={AZeroPoint} " +
        $"zb={(BZeroPoints is null ? "random/column" : BZeroPoints.Length == 1 ? BZeroPoints[0].ToString() : "per-column")} threads={Threads}";
}
