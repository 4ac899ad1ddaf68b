using MlNetGraviton.Kernels.Gemm;
using SbgemmApi = MlNetGraviton.Kernels.Gemm.Sbgemm;

namespace MlNetGraviton.Kernels.Tests.Sbgemm;

/// <summary>
/// bf16 GEMM through the public API. On a CPU with BF16 (QEMU <c>-cpu max</c>, Graviton3) the kernel is checked
/// against the bf16 reference; on any other CPU the same tests check that the API reports BF16 missing and refuses
/// to run (never a silent fp32 or NaN result). tests/Arm64 asserts which of the two each CPU model must take.
/// </summary>
public sealed class SbgemmTests
{
    /// <summary>True when the kernel can run here; otherwise checks the refusal contract and returns false.</summary>
    private static bool KernelRunsOrRefuses()
    {
        if (SbgemmApi.IsAvailable(CpuFeatures.Current, out string reason))
            return true;
        Assert.Contains("BF16", reason, StringComparison.Ordinal);
        var packed = SbgemmApi.PackB([1f, 2f, 3f, 4f], 2, 2);
        var c = new float[4];
        var e = Assert.Throws<NotSupportedException>(() => SbgemmApi.Run(2, [1f, 1f, 1f, 1f], 2, packed, c, 2));
        Assert.Contains("BF16", e.Message, StringComparison.Ordinal);
        Assert.All(c, v => Assert.Equal(0f, v)); // nothing written
        return false;
    }

    [Fact]
    public void ShapeSweepMatchesTheBf16Reference()
    {
        if (!KernelRunsOrRefuses())
            return;
        int index = 0;
        foreach ((int m, int k, int n) in SbgemmShapes.All())
        {
            new SbgemmTester
            {
                M = m, K = k, N = n,
                LdaPad = index % 2 == 0 ? 0 : 3,
                LdcPad = index % 3 == 0 ? 0 : 2,
                WithBias = index % 4 != 1,
                Alpha = (index % 3) switch { 0 => 1f, 1 => -0.5f, _ => 2.75f },
                Seed = index,
            }.Check();
            index++;
        }
    }

    [Fact]
    public void AlphaIsHonoured()
    {
        if (!KernelRunsOrRefuses())
            return;
        // ORT's bf16 path ignored alpha; every value here must scale the product, 0 must clear it.
        foreach (float alpha in new[] { 0f, -1f, 0.125f, 3f, 1e-3f })
        {
            new SbgemmTester { M = 9, K = 13, N = 11, Alpha = alpha, WithBias = true, Seed = 5 }.Check();
            new SbgemmTester { M = 16, K = 8, N = 16, Alpha = alpha, Seed = 6 }.Check();
        }
        float[] a = [1f, 2f, 3f, 4f], b = [1f, 0f, 0f, 1f];
        var c = new float[4];
        SbgemmApi.Run(2, a, 2, SbgemmApi.PackB(b, 2, 2), c, 2, alpha: -2f);
        Assert.Equal([-2f, -4f, -6f, -8f], c);
    }

    [Fact]
    public void GeluActivationsApplyAfterAlphaAndBias()
    {
        if (!KernelRunsOrRefuses())
            return;
        int seed = 40;
        foreach (GemmActivation activation in new[] { GemmActivation.GeluErf, GemmActivation.GeluTanh })
            foreach ((int m, int k, int n) in new[] { (8, 8, 8), (9, 13, 19), (17, 64, 8), (3, 5, 30) })
                new SbgemmTester { M = m, K = k, N = n, Alpha = 1.5f, WithBias = true, Activation = activation, Seed = seed++ }.Check();
    }

    [Fact]
    public void KTailsNeverReadPastA()
    {
        if (!KernelRunsOrRefuses())
            return;
        // A ends flush against a PROT_NONE page (SbgemmTester): a read past its last element would crash the run.
        foreach (int k in new[] { 1, 2, 3, 5, 6, 7, 9, 13, 30, 31, 33, 131 })
        {
            foreach (int m in new[] { 1, 7, 8, 9 })
                new SbgemmTester { M = m, K = k, N = 10, Seed = k * m }.Check();
        }
    }

    [Fact]
    public void DenormalsZerosAndRoundingTiesStayWithinTolerance()
    {
        if (!KernelRunsOrRefuses())
            return;
        int seed = 0;
        foreach ((int m, int k, int n) in new[] { (8, 8, 8), (9, 17, 13), (17, 33, 9), (3, 64, 20) })
            new SbgemmTester { M = m, K = k, N = n, SpecialValues = true, WithBias = seed % 2 == 0, Seed = seed++ }.Check();
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(-2f)]
    public void NaNAndInfinityPropagate(float alpha)
    {
        if (!KernelRunsOrRefuses())
            return;
        // 9 × 6 · 6 × 14: two row blocks, a K tail, and the Inf in the second column panel.
        const int m = 9, k = 6, n = 14, nanRow = 2, infColumn = 13;
        float[] a = Enumerable.Repeat(1f, m * k).ToArray();
        float[] b = Enumerable.Repeat(0.5f, k * n).ToArray();
        a[nanRow * k + 5] = float.NaN;       // in the K tail: row 2 of C must be NaN everywhere
        b[1 * n + infColumn] = float.PositiveInfinity; // column 13 of C must be ±Inf (sign of alpha) elsewhere
        var c = new float[m * n];
        SbgemmApi.Run(m, a, k, SbgemmApi.PackB(b, k, n), c, n, alpha);
        float finite = alpha * k * 0.5f;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float got = c[i * n + j];
                if (i == nanRow)
                    Assert.True(float.IsNaN(got), $"C[{i},{j}] = {got}, want NaN");
                else if (j == infColumn)
                    Assert.Equal(alpha > 0 ? float.PositiveInfinity : float.NegativeInfinity, got);
                else
                    Assert.Equal(finite, got);
            }
        }
    }

    [Fact]
    public void InputsReallyAreRoundedToBf16()
    {
        if (!KernelRunsOrRefuses())
            return;
        // 1 + 2^-10 is not a bf16 value: it rounds to 1, so the bf16 product is exactly 1 where fp32 gives 1.000977.
        float x = 1f + MathF.Pow(2, -10);
        var c = new float[1];
        SbgemmApi.Run(1, [x], 1, SbgemmApi.PackB([1f], 1, 1), c, 1);
        Assert.Equal(1f, c[0]);
    }

    [Fact]
    public void MZeroWritesNothing()
    {
        if (!KernelRunsOrRefuses())
            return;
        var c = new float[] { 5f };
        SbgemmApi.Run(0, ReadOnlySpan<float>.Empty, 3, SbgemmApi.PackB(new float[6], 3, 2), c, 2);
        Assert.Equal(5f, c[0]);
    }

    [Fact]
    public void UnavailableReasonsNameTheMissingFeature()
    {
        var arm = new CpuFeatures { IsArm64 = true, AdvSimd = true, DotProd = true, I8mm = true, Bf16 = true };
        Assert.True(SbgemmApi.IsAvailable(arm, out string none) || !OperatingSystem.IsLinux());
        Assert.True(OperatingSystem.IsLinux() ? none.Length == 0 : true);
        Assert.False(SbgemmApi.IsAvailable(arm with { Bf16 = false }, out string noBf16));
        Assert.Contains("BF16", noBf16, StringComparison.Ordinal);
        Assert.False(SbgemmApi.IsAvailable(arm.LimitedTo(IsaLevel.DotProd), out string limited));
        Assert.Contains("BF16", limited, StringComparison.Ordinal);
        Assert.Contains("DotProd", limited, StringComparison.Ordinal);
        Assert.False(SbgemmApi.IsAvailable(new CpuFeatures { IsX64 = true, Avx2 = true, Fma = true }, out string x86));
        Assert.Contains("Arm64", x86, StringComparison.Ordinal);
    }

    [Fact]
    public void BadArgumentsNameTheArgumentAndTheShape()
    {
        var e = Assert.Throws<ArgumentException>(() => SbgemmApi.PackB(new float[5], 2, 3));
        Assert.Equal("b", e.ParamName);
        Assert.Contains("2×3", e.Message, StringComparison.Ordinal);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => SbgemmApi.PackB(new float[5], 0, 3)).ParamName);
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => SbgemmApi.PackB(new float[5], 3, 0)).ParamName);

        SbgemmPackedB b = SbgemmApi.PackB(new float[12], 4, 3); // K = 4, N = 3
        float[] a = new float[2 * 4], c = new float[2 * 3];
        Assert.Equal("b", Assert.Throws<ArgumentNullException>(() => SbgemmApi.Run(2, a, 4, null!, c, 3)).ParamName);
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => SbgemmApi.Run(-1, a, 4, b, c, 3)).ParamName);
        Assert.Equal("lda", Assert.Throws<ArgumentException>(() => SbgemmApi.Run(2, a, 3, b, c, 3)).ParamName);
        Assert.Equal("ldc", Assert.Throws<ArgumentException>(() => SbgemmApi.Run(2, a, 4, b, c, 2)).ParamName);
        e = Assert.Throws<ArgumentException>(() => SbgemmApi.Run(2, new float[7], 4, b, c, 3));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("2×4", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => SbgemmApi.Run(2, a, 4, b, new float[5], 3));
        Assert.Equal("c", e.ParamName);
        Assert.Contains("2×3", e.Message, StringComparison.Ordinal);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => SbgemmApi.Run(2, a, 4, b, c, 3, 1f, new float[2])).ParamName);
        Assert.Equal("activation", Assert.Throws<ArgumentOutOfRangeException>(() => SbgemmApi.Run(2, a, 4, b, c, 3, 1f, default, (GemmActivation)99)).ParamName);
    }
}
