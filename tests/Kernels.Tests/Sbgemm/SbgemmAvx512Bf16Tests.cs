using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Tests.Emit;

namespace MlNetGraviton.Kernels.Tests.Sbgemm;

/// <summary>
/// The x86 AVX512-BF16 kernel (emitted VDPBF16PS, 8×48) against the bf16 reference (inputs rounded to bf16 RNE, fp32
/// accumulation), tolerance (K + 8)·2⁻²³·(|alpha|·Σ|a·b| + |bias| (+ |C|)): bf16 products are exact in fp32, only the
/// additions round (their order differs from the reference's). A and B sit flush against a PROT_NONE page, so odd K
/// or an edge tile that read past them would crash. VDPBF16PS treats denormal bf16 inputs as zero (DAZ): a denormal
/// input's whole contribution is below 2⁻¹²⁶·|b|, inside the tolerance, and one test pins the flush itself.
/// </summary>
public sealed unsafe class SbgemmAvx512Bf16Tests
{
    private static void SkipUnlessAvx512Bf16()
    {
        if (!Sbgemm_8x48_Avx512Bf16.IsSupported(CpuFeatures.Detected))
            Assert.Skip("needs an x64 CPU with AVX512-BF16");
    }

    private static void Check(int m, int k, int n, int seed, float alpha = 1f, bool bias = false, bool accumulate = false,
        GemmActivation activation = GemmActivation.None, int threads = 1, int ldaPad = 0, int ldcPad = 0, bool transB = false)
    {
        var rng = new Random(seed * 7919 + m * 131 + k * 17 + n);
        int lda = k + ldaPad, ldc = n + ldcPad;
        int aLength = (m - 1) * lda + k;
        float[] a = Enumerable.Range(0, aLength).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        float[] b = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[]? biasValues = bias ? Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray() : null;
        float[] c0 = Enumerable.Range(0, (m - 1) * ldc + n + 5).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        (float[] expected, float[] magnitude) = SbgemmReference.Gemm(m, k, n, a, lda, b, alpha, biasValues);

        SbgemmAvx512Bf16PackedB packed;
        using (var guardedB = new GuardedFloats(b.Length))
        {
            if (transB)
            {
                for (int kk = 0; kk < k; kk++)
                    for (int j = 0; j < n; j++)
                        guardedB.Span[j * k + kk] = b[kk * n + j];
            }
            else
            {
                b.CopyTo(guardedB.Span);
            }
            packed = Sbgemm_8x48_Avx512Bf16.PackB(guardedB.Span, k, n, transB);
        }
        float[] c = (float[])c0.Clone();
        using (var guardedA = new GuardedFloats(aLength))
        fixed (float* pc = c)
        fixed (float* pbias = biasValues)
        {
            a.CopyTo(guardedA.Span);
            Sbgemm_8x48_Avx512Bf16.Run(m, guardedA.Pointer, lda, packed, pc, ldc, alpha, pbias, activation, accumulate, threads);
        }
        string what = $"M={m} K={k} N={n} alpha={alpha} bias={bias} acc={accumulate} act={activation} threads={threads} transB={transB}";
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc && i * ldc + j < c.Length; j++)
            {
                float got = c[i * ldc + j];
                if (j >= n)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(got) == BitConverter.SingleToInt32Bits(c0[i * ldc + j]), $"{what}: padding C[{i},{j}] changed");
                    continue;
                }
                double old = accumulate ? c0[i * ldc + j] : 0;
                double x = expected[i * n + j] + old;
                double tolerance = (k + 8) * Math.Pow(2, -23) * (magnitude[i * n + j] + Math.Abs(old)) + 1e-30;
                double want = Fp32.SgemmReference.Activate(x, activation);
                if (activation != GemmActivation.None)
                    tolerance = 1.13 * tolerance + 1e-6 * Math.Abs(x) + 1e-7;
                Assert.True(Math.Abs(got - want) <= tolerance, $"{what}: C[{i},{j}] = {got:R}, reference {want:R}, tolerance {tolerance:E2}");
            }
        }
    }

    [Fact]
    public void ShapeSweepMatchesTheBf16Reference()
    {
        SkipUnlessAvx512Bf16();
        int[] mn = [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 47, 48, 49, 65, 97];
        int[] ks = [1, 2, 3, 7, 16, 17, 64, 65];
        int seed = 0;
        foreach (int m in mn)
            foreach (int n in mn)
                Check(m, ks[seed % ks.Length], n, seed++, ldaPad: seed % 3, ldcPad: seed % 2);
        foreach ((int m, int k, int n) in new[] { (8, 769, 48), (17, 769, 97), (64, 127, 65), (127, 256, 129), (31, 768, 96) })
            Check(m, k, n, seed++);
    }

    [Fact]
    public void AlphaBiasAccumulateAndTransposedBAreHonoured()
    {
        SkipUnlessAvx512Bf16();
        int seed = 0;
        foreach (float alpha in new[] { 1f, 2.5f, -0.5f, 0f })
            foreach (bool bias in new[] { false, true })
                foreach (bool accumulate in new[] { false, true })
                    foreach ((int m, int k, int n) in new[] { (8, 16, 48), (19, 33, 70) })
                        Check(m, k, n, seed++, alpha, bias, accumulate, transB: seed % 2 == 0);
    }

    [Fact]
    public void GeluActivationsApplyAfterAlphaBiasAndC()
    {
        SkipUnlessAvx512Bf16();
        int seed = 0;
        foreach (GemmActivation activation in new[] { GemmActivation.GeluErf, GemmActivation.GeluTanh })
            foreach ((int m, int k, int n) in new[] { (8, 64, 48), (13, 65, 100), (1, 3, 5) })
                Check(m, k, n, seed++, alpha: 0.75f, bias: true, accumulate: seed % 2 == 0, activation: activation);
    }

    [Fact]
    public void ThreadCountsGiveTheSameBits()
    {
        SkipUnlessAvx512Bf16();
        // (48, 64, 96) on 2 threads: 6 row blocks in 4 groups of 2, so the last group of each panel has no tile.
        foreach ((int m, int k, int n) in new[] { (64, 65, 200), (9, 768, 48), (128, 31, 96), (48, 64, 96) })
        {
            var rng = new Random(m + n);
            float[] a = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            float[] b = Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            SbgemmAvx512Bf16PackedB packed = Sbgemm_8x48_Avx512Bf16.PackB(b, k, n, false);
            float[] Run(int threads)
            {
                var c = new float[m * n];
                fixed (float* pa = a)
                fixed (float* pc = c)
                    Sbgemm_8x48_Avx512Bf16.Run(m, pa, k, packed, pc, n, 1f, null, GemmActivation.None, false, threads);
                return c;
            }
            float[] one = Run(1);
            Assert.Equal(one, Run(2));
            Assert.Equal(one, Run(3));
            Check(m, k, n, 1, threads: 2);
        }
    }

    [Fact]
    public void NaNAndInfinityPropagateAndDenormalInputsAreFlushed()
    {
        SkipUnlessAvx512Bf16();
        const int m = 9, k = 7, n = 50;
        float[] a = Enumerable.Repeat(1f, m * k).ToArray();
        float[] b = Enumerable.Repeat(0.5f, k * n).ToArray();
        a[2 * k + 6] = float.NaN;                 // the odd K's last value: row 2 all NaN
        b[3 * n + 49] = float.PositiveInfinity;   // column 49 (second panel, an edge tile) +Inf
        a[5 * k + 1] = 1e-39f;                    // a bf16 denormal: VDPBF16PS reads it as zero...
        for (int kk = 0; kk < k; kk++)
            b[kk * n + 7] = kk == 1 ? 1e30f : 0f; // ...so C[5, 7] = 0, not 1e-39 · 1e30 ≈ 1e-9
        var c = new float[m * n];
        SbgemmAvx512Bf16PackedB packed = Sbgemm_8x48_Avx512Bf16.PackB(b, k, n, false);
        fixed (float* pa = a)
        fixed (float* pc = c)
            Sbgemm_8x48_Avx512Bf16.Run(m, pa, k, packed, pc, n, 1f, null, GemmActivation.None, false, 1);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float got = c[i * n + j];
                if (i == 2)
                    Assert.True(float.IsNaN(got), $"C[{i},{j}] = {got}, want NaN");
                else if (j == 49)
                    Assert.Equal(float.PositiveInfinity, got);
                else if (j == 7)
                    Assert.Equal(i == 5 ? 0f : SbgemmReference.Rounded(1e30f), got);
                else
                    Assert.Equal(i == 5 ? (k - 1) * 0.5f : k * 0.5f, got);
            }
        }
    }

    [Fact]
    public void APackingConvertsWithVcvtne2ps2bf16RoundToNearestEvenAndFlushesDenormals()
    {
        SkipUnlessAvx512Bf16();
        var rng = new Random(14);
        uint[] special =
        [
            0x3F80_8000, 0x3F81_8000,         // ties: to even stays, to even rounds up
            0x3F80_8001, 0x3F80_7FFF,         // just above / below a tie
            0x7F7F_FFFF, 0xFF7F_FFFF,         // largest finite rounds to ±Inf
            0x7F80_0000, 0xFF80_0000,         // ±Inf
            0x7FC0_0000, 0x7F80_0001, 0xFFA0_1234, // quiet NaN, signalling NaNs (payload whose top bits would vanish)
            0x0000_0001, 0x8040_0000, 0x007F_FFFF, // denormals: to signed zero (DAZ), even one that RNE would round up
            0x0080_0000, 0x8000_0000, 0,      // smallest normal, -0, +0
        ];
        foreach (int count in new[] { 1, 7, 31, 32, 33, 64, 95, 200 })
        {
            uint[] bits = Enumerable.Range(0, count)
                .Select(i => i < special.Length && count >= special.Length ? special[i] : (uint)rng.NextInt64(0, 1L << 32))
                .ToArray();
            using var src = new GuardedFloats(count);
            for (int i = 0; i < count; i++)
                src.Span[i] = BitConverter.UInt32BitsToSingle(bits[i]);
            ushort[] dst = new ushort[count + 8];
            Array.Fill(dst, (ushort)0xBEEF);
            fixed (ushort* pd = dst)
                Sbgemm_8x48_Avx512Bf16.ToBf16(src.Pointer, count, pd);
            for (int i = 0; i < count; i++)
            {
                float value = BitConverter.UInt32BitsToSingle(bits[i]);
                ushort want = float.IsSubnormal(value) ? (ushort)(bits[i] >> 16 & 0x8000) : BFloat16Rounding.FromSingle(value);
                if (float.IsNaN(value))
                {
                    Assert.True((dst[i] & 0x7F80) == 0x7F80 && (dst[i] & 0x007F) != 0, $"count={count} [{i}] {bits[i]:X8} -> {dst[i]:X4}, want a NaN");
                    Assert.True((dst[i] & 0x0040) != 0, $"[{i}] {bits[i]:X8} -> {dst[i]:X4}: NaN not quiet");
                    Assert.Equal(bits[i] >> 31, (uint)dst[i] >> 15);
                }
                else
                {
                    Assert.True(want == dst[i], $"count={count} [{i}] {bits[i]:X8} -> {dst[i]:X4}, want {want:X4}");
                }
            }
            Assert.All(dst.Skip(count), w => Assert.Equal(0xBEEF, w)); // nothing written past count
        }
    }

    [Fact]
    public void ConvertLoopIsTwoLoadsOneVcvtne2ps2bf16AndOneStore()
    {
        SkipUnlessAvx512Bf16();
        X64Disassembler.SkipIfUnavailable();
        List<string> code = X64Disassembler.Disassemble(Sbgemm_8x48_Avx512Bf16.EmitConvert()).ToList();
        Assert.Contains("vcvtne2ps2bf16 zmm2,zmm1,zmm0", code);
        Assert.Equal(2, code.Count(l => l.StartsWith("vmovups zmm", StringComparison.Ordinal)));
        Assert.Contains(code, l => l.StartsWith("vmovups ZMMWORD PTR [rdx],zmm2", StringComparison.Ordinal));
        Assert.Equal(["vzeroupper", "ret"], code.Skip(code.Count - 2));
    }

    [Fact]
    public void KernelLoopIsThreeLoadsEightBroadcastsAndTwentyFourVdpbf16ps()
    {
        SkipUnlessAvx512Bf16();
        X64Disassembler.SkipIfUnavailable();
        List<string> code = X64Disassembler.Disassemble(Sbgemm_8x48_Avx512Bf16.Emit(SbgemmAvx512Bf16Emitter.Output.Store)).ToList();
        int loopStart = code.FindIndex(l => l.StartsWith("vmovups zmm24,ZMMWORD PTR [rsi]", StringComparison.Ordinal));
        int branch = code.FindIndex(l => l.StartsWith("jne ", StringComparison.Ordinal));
        Assert.True(loopStart > 0 && branch > loopStart, string.Join("\n", code));
        string[] body = code.Skip(loopStart).Take(branch - loopStart + 1).ToArray();
        Assert.Equal(3, body.Count(l => l.StartsWith("vmovups zmm", StringComparison.Ordinal)));
        Assert.Equal(8, body.Count(l => l.StartsWith("vbroadcastss zmm", StringComparison.Ordinal)));
        Assert.Equal(24, body.Count(l => l.StartsWith("vdpbf16ps zmm", StringComparison.Ordinal)));
        Assert.Equal(3 + 8 + 24 + 2 + 4, body.Length); // + the prefetch and its step, 2 pointer steps, dec, jne
        Assert.Equal(24, code.Count(l => l.StartsWith("vfmadd231ps zmm", StringComparison.Ordinal))); // alpha·acc + bias per vector
        X64Disassembler.AssertPrefetchesOnCalleeSavedPair(code, body);
    }

    [Fact]
    public void IsaLimitsTurnTheKernelOff()
    {
        SkipUnlessAvx512Bf16();
        Assert.True(Sbgemm_8x48_Avx512Bf16.IsSupported(CpuFeatures.Detected.LimitedTo(IsaLevel.Native)));
        foreach (IsaLevel level in new[] { IsaLevel.Avx512Vnni, IsaLevel.Avx512, IsaLevel.Avx2 })
            Assert.False(Sbgemm_8x48_Avx512Bf16.IsSupported(CpuFeatures.Detected.LimitedTo(level)));
        Assert.False(Sbgemm_8x48_Avx512Bf16.IsSupported(new CpuFeatures { IsArm64 = true, Bf16 = true }));
    }
}
