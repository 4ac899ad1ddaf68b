using MlNetGraviton.Kernels.Gemm;
using SbgemmApi = MlNetGraviton.Kernels.Gemm.Sbgemm;

namespace MlNetGraviton.Kernels.Tests.Sbgemm;

/// <summary>
/// The bf16 fast-math kind through the SGEMM API (<see cref="Sgemm.PackB(ReadOnlySpan{float}, int, int, bool, SgemmKernelKind)"/>
/// for the kind <see cref="SgemmKernelInfo.SelectFastMath"/> returns, then <see cref="Sgemm.Run"/>), which is how the
/// runtime's bf16 precision reaches the kernel: checked against the bf16 reference (<see cref="SbgemmTester"/>) with
/// bias, alpha, accumulate, GELU, transposed B, threads 1 and 2 and sub-tile shapes. Where no bf16 kernel can run (the
/// Arm64 CPU models without BF16 under QEMU, x86 without AVX512-BF16), each test checks the refusal contract instead:
/// no kind is selected, the reason names BF16, and packing for the BFMMLA kind is refused naming the kernel.
/// </summary>
public sealed class SgemmFastMathTests
{
    /// <summary>The fast-math kind; where there is none, checks that everything says so and returns null.</summary>
    private static SgemmKernelKind? FastMathKernelOrRefusal()
    {
        if (SgemmKernelInfo.SelectFastMath(CpuFeatures.Current, out string reason) is { } kind)
        {
            Assert.True(SgemmKernelInfo.IsFastMath(kind));
            Assert.Equal("", reason);
            return kind;
        }
        Assert.Contains("BF16", reason, StringComparison.Ordinal);
        if (!SgemmKernelInfo.CanRun(SgemmKernelKind.Bf16Bfmmla8x12))
        {
            var e = Assert.Throws<ArgumentException>(() => Sgemm.PackB(new float[4], 2, 2, false, SgemmKernelKind.Bf16Bfmmla8x12));
            Assert.Contains(SbgemmApi.KernelName, e.Message, StringComparison.Ordinal);
        }
        return null;
    }

    [Fact]
    public void Sub_tile_and_larger_shapes_match_the_bf16_reference()
    {
        if (FastMathKernelOrRefusal() is null)
            return;
        int index = 0;
        foreach ((int m, int k, int n) in SbgemmShapes.All())
        {
            new SbgemmTester
            {
                ThroughSgemm = true,
                M = m, K = k, N = n,
                LdaPad = index % 2 == 0 ? 0 : 3,
                LdcPad = index % 3 == 0 ? 0 : 2,
                WithBias = index % 4 != 1,
                Alpha = (index % 3) switch { 0 => 1f, 1 => -0.5f, _ => 2.75f },
                TransB = index % 5 == 2,
                Seed = index,
            }.Check();
            index++;
        }
    }

    [Fact]
    public void Bias_alpha_accumulate_gelu_and_transposed_B_combine()
    {
        if (FastMathKernelOrRefusal() is null)
            return;
        int seed = 100;
        (int M, int K, int N)[] shapes = SbgemmShapes.Reduced
            ? [(1, 1, 1), (7, 5, 13), (9, 17, 25)]
            : [(1, 1, 1), (3, 4, 12), (7, 5, 13), (8, 8, 12), (9, 17, 25), (17, 33, 40)];
        foreach ((int m, int k, int n) in shapes)
        {
            foreach (GemmActivation activation in Enum.GetValues<GemmActivation>())
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    foreach (bool transB in new[] { false, true })
                    {
                        new SbgemmTester
                        {
                            ThroughSgemm = true, M = m, K = k, N = n, Accumulate = accumulate, TransB = transB, Activation = activation,
                            WithBias = seed % 2 == 0, Alpha = seed % 3 == 0 ? 1f : -1.25f, LdaPad = seed % 2, LdcPad = 3 * (seed % 2), Seed = seed++,
                        }.Check();
                    }
                }
            }
        }
        // Denormals, zeros and rounding ties (flushed or rounded by the kernel) stay within the stated tolerance.
        foreach ((int m, int k, int n) in new[] { (8, 8, 12), (9, 17, 13) })
            new SbgemmTester { ThroughSgemm = true, M = m, K = k, N = n, SpecialValues = true, Accumulate = true, WithBias = true, Seed = seed++ }.Check();
    }

    [Fact]
    public void Two_threads_give_the_one_thread_result_bit_for_bit()
    {
        if (FastMathKernelOrRefusal() is null)
            return;
        (int M, int K, int N)[] shapes = SbgemmShapes.Reduced
            ? [(17, 9, 25), (40, 20, 13)]
            : [(17, 9, 25), (40, 20, 13), (200, 33, 17), (1, 64, 300)];
        foreach ((int m, int k, int n) in shapes)
        {
            foreach (bool accumulate in new[] { false, true })
            {
                SbgemmTester Case(int threads) => new()
                {
                    ThroughSgemm = true, M = m, K = k, N = n, WithBias = true, Accumulate = accumulate,
                    Activation = GemmActivation.GeluTanh, LdcPad = 1, Threads = threads, Seed = m + n,
                };
                float[] one = Case(1).Check();
                Assert.Equal(one, Case(2).Check());
            }
        }
        // The Arm64 Sbgemm API takes the same threads parameter (the x86 kernel's own API: SbgemmAvx512Bf16Tests).
        if (!SbgemmApi.IsAvailable(CpuFeatures.Current))
            return;
        float[] single = new SbgemmTester { M = 33, K = 7, N = 30, WithBias = true, Accumulate = true, Seed = 3 }.Check();
        Assert.Equal(single, new SbgemmTester { M = 33, K = 7, N = 30, WithBias = true, Accumulate = true, Seed = 3, Threads = 2 }.Check());
    }

    [Fact]
    public void Empty_K_gives_bias_plus_C_and_empty_M_or_N_writes_nothing()
    {
        if (FastMathKernelOrRefusal() is not { } kind)
            return;
        float[] bias = [0.5f, -1f, 2f];
        SgemmPackedB empty = Sgemm.PackB(ReadOnlySpan<float>.Empty, 0, 3, false, kind);
        float[] c = [1f, 1f, 1f, 2f, 2f, 2f];
        Sgemm.Run(2, new float[2], 0, empty, c, 3, new SgemmEpilogue { Bias = bias, Accumulate = true });
        Assert.Equal([1.5f, 0f, 3f, 2.5f, 1f, 4f], c);
        Sgemm.Run(2, new float[2], 0, empty, c, 3, new SgemmEpilogue { Bias = bias });
        Assert.Equal([0.5f, -1f, 2f, 0.5f, -1f, 2f], c);

        float[] untouched = [9f, 9f];
        Sgemm.Run(0, ReadOnlySpan<float>.Empty, 4, Sgemm.PackB(new float[8], 4, 2, false, kind), untouched, 2);
        Sgemm.Run(2, new float[8], 4, Sgemm.PackB(ReadOnlySpan<float>.Empty, 4, 0, false, kind), untouched, 0);
        Assert.Equal([9f, 9f], untouched);
    }

    [Fact]
    public void Selection_names_the_missing_feature_and_never_picks_fast_math_by_default()
    {
        var armWithBf16 = new CpuFeatures { IsArm64 = true, AdvSimd = true, DotProd = true, I8mm = true, Bf16 = true };
        foreach (CpuFeatures cpu in new[] { armWithBf16, armWithBf16.LimitedTo(IsaLevel.DotProd), armWithBf16 with { Bf16 = false } })
        {
            SgemmKernelKind? kind = SgemmKernelInfo.SelectFastMath(cpu, out string reason);
            if (cpu.Bf16 && SgemmKernelInfo.CanRun(SgemmKernelKind.Bf16Bfmmla8x12))
            {
                Assert.Equal(SgemmKernelKind.Bf16Bfmmla8x12, kind);
                continue;
            }
            Assert.Null(kind);
            Assert.Contains(cpu.Bf16 ? "cannot run in this process" : "Arm64 BF16", reason, StringComparison.Ordinal);
        }
        Assert.Contains("DotProd", SelectReason(armWithBf16.LimitedTo(IsaLevel.DotProd)), StringComparison.Ordinal);

        var x86 = new CpuFeatures { IsX64 = true, Avx2 = true, Fma = true, Avx512F = true, Avx512BW = true, Avx512Vnni = true };
        if (Sbgemm_8x48_Avx512Bf16.IsSupported(CpuFeatures.Detected))
            Assert.Equal(SgemmKernelKind.Bf16Avx512x8x48, SgemmKernelInfo.SelectFastMath(CpuFeatures.Detected, out _));
        Assert.True(SgemmKernelInfo.IsFastMath(SgemmKernelKind.Bf16Avx512x8x48));
        Assert.Equal("Sbgemm_8x48_Avx512Bf16", SgemmKernelInfo.Name(SgemmKernelKind.Bf16Avx512x8x48));
        Assert.Contains("AVX512-BF16", SelectReason(x86), StringComparison.Ordinal);
        Assert.Contains("lacks", SelectReason(x86), StringComparison.Ordinal);
        Assert.Contains("ISA limit", SelectReason((x86 with { Avx512Bf16 = true }).LimitedTo(IsaLevel.Avx512Vnni)), StringComparison.Ordinal);
        Assert.Contains("BF16", SelectReason(new CpuFeatures()), StringComparison.Ordinal);

        Assert.True(SgemmKernelInfo.IsFastMath(SgemmKernelKind.Bf16Bfmmla8x12));
        Assert.False(SgemmKernelInfo.IsFastMath(SgemmKernelInfo.Select(CpuFeatures.Detected)));
        Assert.Equal("Sbgemm_8x12_Bfmmla", SgemmKernelInfo.Name(SgemmKernelKind.Bf16Bfmmla8x12));
        Assert.Equal((8, 12), (SgemmKernelInfo.Mr(SgemmKernelKind.Bf16Bfmmla8x12), SgemmKernelInfo.Nr(SgemmKernelKind.Bf16Bfmmla8x12)));
    }

    private static string SelectReason(CpuFeatures cpu)
    {
        Assert.Null(SgemmKernelInfo.SelectFastMath(cpu, out string reason));
        return reason;
    }
}
