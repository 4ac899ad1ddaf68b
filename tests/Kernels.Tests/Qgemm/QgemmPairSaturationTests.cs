using QgemmApi = MlNetGraviton.Kernels.Gemm.Qgemm;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Qgemm;

/// <summary>
/// The VPMADDUBSW kernel's safety rule, its exact correction of unsafe pairs, and the automatic choice between it and
/// the exact int16 kernel.
/// </summary>
public sealed class QgemmPairSaturationTests
{
    private const string Fast = "Qgemm_U8S8_4x16_Avx2Maddubs";
    private const string Exact = "Qgemm_U8S8_6x16_Avx2";

    private static bool FastKernelRuns => QgemmApi.SupportedKernels(CpuFeatures.Detected).Contains(Fast);

    // The rule restated independently: a bilinear form over a ∈ [0, 255]² takes its extremes at the corners.
    private static bool SaturatesSomewhere(int b0, int b1)
    {
        foreach (int a0 in new[] { 0, 255 })
        {
            foreach (int a1 in new[] { 0, 255 })
            {
                int s = a0 * b0 + a1 * b1;
                if (s > short.MaxValue || s < short.MinValue)
                    return true;
            }
        }
        return false;
    }

    [Fact]
    public void SafetyRuleMatchesEveryPairExhaustively()
    {
        for (int b0 = -128; b0 <= 127; b0++)
        {
            for (int b1 = -128; b1 <= 127; b1++)
            {
                Assert.Equal(!SaturatesSomewhere(b0, b1), QgemmPairSaturation.IsSafe(b0, b1));
                int cut = QgemmPairSaturation.SafeSecond(b0, b1);
                Assert.True(QgemmPairSaturation.IsSafe(b0, cut), $"({b0}, {b1}) cut to {cut} is still unsafe");
                Assert.True(cut >= -128 && cut <= 127);
                if (QgemmPairSaturation.IsSafe(b0, b1))
                    Assert.Equal(b1, cut);
                else
                    Assert.True(Math.Sign(cut) != -Math.Sign(b1) && Math.Abs(cut) < Math.Abs(b1));
            }
        }
        Assert.True(QgemmPairSaturation.IsSafe(64, 64));
        Assert.False(QgemmPairSaturation.IsSafe(65, 64));
        Assert.False(QgemmPairSaturation.IsSafe(-128, -1));
        Assert.True(QgemmPairSaturation.IsSafe(127, -128));
    }

    // Pairs (k = 2p, 2p + 1) at and just past the limit, each in its own column; activations 255 reach the extremes.
    private static readonly (sbyte B0, sbyte B1, bool Safe)[] s_limitPairs =
    [
        (64, 64, true), (65, 64, false), (-64, -64, true), (-65, -64, false), (-128, 0, true), (-128, -1, false),
        (127, 1, true), (127, 2, false), (1, 127, true), (2, 127, false), (127, -128, true), (-127, -127, false),
        (127, 127, false), (-128, -128, false), (0, 0, true), (100, 28, true), (100, 29, false),
    ];

    private static sbyte[] LimitB(int k, out int unsafeCount)
    {
        int n = s_limitPairs.Length;
        var b = new sbyte[k * n];
        unsafeCount = 0;
        for (int kk = 0; kk + 1 < k; kk += 2)
        {
            for (int j = 0; j < n; j++)
            {
                // Rotate the pairs through the columns so every k position and tile column meets each kind.
                (sbyte b0, sbyte b1, bool safe) = s_limitPairs[(j + kk / 2) % n];
                b[kk * n + j] = b0;
                b[(kk + 1) * n + j] = b1;
                if (!safe)
                    unsafeCount++;
            }
        }
        if (k % 2 == 1)
        {
            for (int j = 0; j < n; j++)
                b[(k - 1) * n + j] = (sbyte)(j % 2 == 0 ? -128 : 127); // paired with padding: always safe
        }
        return b;
    }

    [Fact]
    public void PairsAtTheLimitAreExactWithActivations255()
    {
        if (!FastKernelRuns)
            Assert.Skip($"{Fast} needs AVX2");
        foreach (int k in new[] { 2, 3, 4, 7, 34, 65, 769 })
        {
            sbyte[] b = LimitB(k, out int unsafeCount);
            foreach (int za in new[] { 0, 255, 128 })
            {
                var tester = new QgemmTester
                {
                    Kernel = Fast, M = 7, K = k, N = s_limitPairs.Length, AFill = 255, AZeroPoint = za, BZeroPoints = [0], BValues = b,
                };
                tester.CheckInt32();
                Assert.Equal(unsafeCount, tester.Pack(b, [0]).SaturationFixupCount);
            }
            // Mixed 0 / 255 activations reach the negative extreme of mixed-sign pairs too.
            new QgemmTester { Kernel = Fast, M = 13, K = k, N = s_limitPairs.Length, AZeroPoint = 3, BZeroPoints = [(sbyte)-2], BValues = b, LdaPad = 1, LdcPad = 2 }
                .CheckInt32();
        }
    }

    [Fact]
    public void SevenBitWeightsNeedNoCorrectionAndSweepExactly()
    {
        if (!FastKernelRuns)
            Assert.Skip($"{Fast} needs AVX2");
        int index = 0;
        foreach ((int m, int k, int n) in QgemmShapes.All())
        {
            if (index++ % 3 != 0 && Math.Max(m, Math.Max(k, n)) < 31)
                continue; // every third small shape, every large one
            var tester = new QgemmTester
            {
                Kernel = Fast, M = m, K = k, N = n, BMin = -64, BMax = 64, AZeroPoint = index % 256,
                BZeroPoints = index % 2 == 0 ? [0] : null, LdaPad = index % 3, LdcPad = index % 2, Seed = index,
            };
            tester.CheckInt32();
        }
        var rng = new Random(3);
        sbyte[] b = Enumerable.Range(0, 64 * 33).Select(_ => (sbyte)rng.Next(-64, 65)).ToArray();
        Assert.Equal(0, QgemmApi.PackB(b, 64, 33, [0], Fast, CpuFeatures.Detected).SaturationFixupCount);
    }

    [Fact]
    public void SelectionPrefersTheFastKernelUnlessManyPairsCouldSaturate()
    {
        CpuFeatures cpu = CpuFeatures.Detected.LimitedTo(IsaLevel.Avx2);
        if (!FastKernelRuns || !cpu.Avx2)
            Assert.Skip($"{Fast} needs AVX2");
        int k = 128, n = 64;
        var rng = new Random(17);
        sbyte[] sevenBit = Enumerable.Range(0, k * n).Select(_ => (sbyte)rng.Next(-64, 65)).ToArray();
        QgemmPackedB packed = QgemmApi.PackB(sevenBit, k, n, [0], cpu);
        Assert.Equal(Fast, packed.KernelName);
        Assert.Equal(0, packed.SaturationFixupCount);

        // Full-range uniform weights: about a quarter of the pairs are unsafe, far past the limit.
        sbyte[] fullRange = Enumerable.Range(0, k * n).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
        (long pairs, long unsafePairs) = QgemmPairSaturation.Count(fullRange, k, n);
        Assert.True(unsafePairs > pairs * QgemmPairSaturation.MaxUnsafeFraction);
        Assert.Equal(Exact, QgemmApi.PackB(fullRange, k, n, [0], cpu).KernelName);

        // Just at the limit the fast kernel stays, with one exact correction per unsafe pair; one more pair flips it.
        long allowed = (long)(pairs * QgemmPairSaturation.MaxUnsafeFraction);
        sbyte[] atLimit = (sbyte[])sevenBit.Clone();
        for (int p = 0; p < allowed; p++)
        {
            int kk = 2 * (p / n), j = p % n;
            atLimit[kk * n + j] = 100;
            atLimit[(kk + 1) * n + j] = 100;
        }
        Assert.Equal(allowed, QgemmPairSaturation.Count(atLimit, k, n).Unsafe);
        packed = QgemmApi.PackB(atLimit, k, n, [0], cpu);
        Assert.Equal(Fast, packed.KernelName);
        Assert.Equal(allowed, packed.SaturationFixupCount);
        int next = (int)allowed;
        atLimit[2 * (next / n) * n + next % n] = -100;
        atLimit[(2 * (next / n) + 1) * n + next % n] = -100;
        Assert.Equal(Exact, QgemmApi.PackB(atLimit, k, n, [0], cpu).KernelName);

        // Named explicitly, the fast kernel serves any weights (exactly, through the correction).
        Assert.Equal(Fast, QgemmApi.PackB(fullRange, k, n, [0], Fast, cpu).KernelName);
        new QgemmTester { Kernel = Fast, M = 19, K = k, N = n, BValues = fullRange, AZeroPoint = 9, BZeroPoints = [0] }.CheckInt32();
        new QgemmTester { Kernel = Fast, M = 19, K = k, N = n, BValues = atLimit, AZeroPoint = 200, BZeroPoints = null }.CheckInt32();
    }

    [Fact]
    public void ReducedRangeIsPreferredExactlyWhereTheBestKernelSaturatesPairs()
    {
        Assert.False(QgemmApi.PrefersReducedRangeWeights(CpuFeatures.Detected.LimitedTo(IsaLevel.Scalar)));
        CpuFeatures cpu = CpuFeatures.Detected;
        bool fastIsBest = QgemmApi.SupportedKernels(cpu)[0] == Fast;
        Assert.Equal(fastIsBest, QgemmApi.PrefersReducedRangeWeights(cpu));
        if (cpu.Avx2 && !cpu.AvxVnni)
            Assert.True(QgemmApi.PrefersReducedRangeWeights(cpu.LimitedTo(IsaLevel.Avx2)));
    }
}
