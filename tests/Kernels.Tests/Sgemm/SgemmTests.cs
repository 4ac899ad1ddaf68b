using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Fp32;

public sealed class SgemmTests
{
    private static readonly int[] SmallK = [1, 7, 16, 17, 64];
    private static readonly int[] LargeSizes = [31, 64, 65, 127, 769];
    private static readonly int[] OtherSizes = [1, 7, 17];

    [Theory]
    [MemberData(nameof(SgemmKernelsUnderTest.All), MemberType = typeof(SgemmKernelsUnderTest))]
    public void Small_shapes_and_sub_tiles_match_the_reference(SgemmKernelKind kernel)
    {
        for (int m = 1; m <= 17; m++)
            for (int n = 1; n <= 17; n++)
                foreach (int k in SmallK)
                    new SgemmTester { M = m, N = n, K = k }.Test(kernel);
    }

    [Theory]
    [MemberData(nameof(SgemmKernelsUnderTest.All), MemberType = typeof(SgemmKernelsUnderTest))]
    public void Large_sizes_in_each_dimension_match_the_reference(SgemmKernelKind kernel)
    {
        foreach (int big in LargeSizes)
        {
            foreach (int x in OtherSizes)
            {
                foreach (int y in OtherSizes)
                {
                    new SgemmTester { M = big, N = x, K = y }.Test(kernel);
                    new SgemmTester { M = x, N = big, K = y }.Test(kernel);
                    new SgemmTester { M = x, N = y, K = big }.Test(kernel);
                }
            }
        }
        new SgemmTester { M = 65, N = 127, K = 769, Bias = true }.Test(kernel);
    }

    [Theory]
    [MemberData(nameof(SgemmKernelsUnderTest.All), MemberType = typeof(SgemmKernelsUnderTest))]
    public void Strided_A_and_C_leave_the_gaps_untouched(SgemmKernelKind kernel)
    {
        foreach ((int m, int n, int k) in new[] { (1, 1, 1), (5, 15, 7), (6, 16, 16), (13, 33, 17), (17, 17, 300) })
        {
            new SgemmTester { M = m, N = n, K = k, Lda = k + 3, Ldc = n + 5 }.Test(kernel);
            new SgemmTester { M = m, N = n, K = k, Lda = k + 1, Ldc = n + 1, Accumulate = true, Bias = true }.Test(kernel);
        }
    }

    [Theory]
    [MemberData(nameof(SgemmKernelsUnderTest.All), MemberType = typeof(SgemmKernelsUnderTest))]
    public void TransB_alpha_bias_activations_and_accumulate(SgemmKernelKind kernel)
    {
        foreach ((int m, int n, int k) in new[] { (1, 1, 1), (3, 5, 7), (7, 17, 16), (13, 31, 65), (17, 40, 513) })
        {
            foreach (GemmActivation act in Enum.GetValues<GemmActivation>())
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    new SgemmTester { M = m, N = n, K = k, TransB = true, Activation = act, Accumulate = accumulate }.Test(kernel);
                    new SgemmTester { M = m, N = n, K = k, Alpha = -0.37f, Bias = true, Activation = act, Accumulate = accumulate, Lda = k + 2, Ldc = n + 3 }.Test(kernel);
                    new SgemmTester { M = m, N = n, K = k, Alpha = 2.5f, TransB = true, Bias = true, Activation = act, Accumulate = accumulate }.Test(kernel);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(SgemmKernelsUnderTest.All), MemberType = typeof(SgemmKernelsUnderTest))]
    public void Zero_sized_dimensions(SgemmKernelKind kernel)
    {
        // K = 0: C = act(bias (+ C)); M = 0 or N = 0: nothing to do.
        new SgemmTester { M = 5, N = 9, K = 0, Bias = true, Accumulate = true, Activation = GemmActivation.GeluErf }.Test(kernel);
        new SgemmTester { M = 0, N = 9, K = 4 }.Test(kernel);
        new SgemmTester { M = 3, N = 0, K = 4 }.Test(kernel);
    }

    [Theory]
    [MemberData(nameof(SgemmKernelsUnderTest.All), MemberType = typeof(SgemmKernelsUnderTest))]
    public void Results_do_not_depend_on_the_thread_count(SgemmKernelKind kernel)
    {
        foreach ((int m, int n, int k) in new[] { (127, 65, 769), (1, 300, 64), (200, 33, 17) })
        {
            var one = new SgemmTester { M = m, N = n, K = k, Bias = true, Accumulate = true, Activation = GemmActivation.GeluTanh, Ldc = n + 1 };
            float[] expected = one.Test(kernel);
            foreach (int threads in new[] { 2, 3 })
            {
                float[] got = new SgemmTester { M = m, N = n, K = k, Bias = true, Accumulate = true, Activation = GemmActivation.GeluTanh, Ldc = n + 1, Threads = threads }.Test(kernel);
                Assert.Equal(expected, got);
            }
        }
    }

    [Fact]
    public void Kernel_selection_follows_the_cpu_and_its_limit()
    {
        CpuFeatures detected = CpuFeatures.Detected;
        Assert.Equal(SgemmKernelKind.Scalar, SgemmKernelInfo.Select(detected.LimitedTo(IsaLevel.Scalar)));
        var packed = Sgemm.PackB(new float[6], 2, 3, cpu: detected.LimitedTo(IsaLevel.Scalar));
        Assert.Equal("Sgemm_4x8_Scalar", packed.KernelName);
        if (detected.IsX64 && detected.Avx512F)
        {
            Assert.Equal(SgemmKernelKind.Avx512x8x48, SgemmKernelInfo.Select(detected));
            Assert.Equal(SgemmKernelKind.Avx512x8x48, SgemmKernelInfo.Select(detected.LimitedTo(IsaLevel.Avx512)));
            Assert.Equal("Sgemm_8x48_Avx512", Sgemm.PackB(new float[6], 2, 3, cpu: detected).KernelName);
        }
        else if (detected.IsX64 && detected.Avx2 && detected.Fma)
        {
            Assert.Equal(SgemmKernelKind.Avx2Fma6x16, SgemmKernelInfo.Select(detected));
        }
        if (detected.IsX64 && detected.Avx2 && detected.Fma)
        {
            Assert.Equal(SgemmKernelKind.Avx2Fma6x16, SgemmKernelInfo.Select(detected.LimitedTo(IsaLevel.Avx2)));
            Assert.Equal(SgemmKernelKind.Scalar, SgemmKernelInfo.Select(detected.LimitedTo(IsaLevel.Neon)));
        }
        if (detected.IsArm64 && detected.AdvSimd)
        {
            Assert.Equal(SgemmKernelKind.Neon8x8, SgemmKernelInfo.Select(detected));
            Assert.Equal(SgemmKernelKind.Neon8x8, SgemmKernelInfo.Select(detected.LimitedTo(IsaLevel.Neon)));
        }
    }

    [Fact]
    public void Multiply_packs_and_runs_in_one_call()
    {
        float[] a = [1, 2, 3, 4, 5, 6];        // [2, 3]
        float[] b = [1, 0, 2, -1, 3, 1];       // [3, 2]
        float[] c = new float[4];
        Sgemm.Multiply(2, 3, 2, a, b, c, epilogue: new SgemmEpilogue { Bias = new float[] { 0.5f, -0.5f } });
        Assert.Equal([1 + 4 + 9 + 0.5f, 0 - 2 + 3 - 0.5f, 4 + 10 + 18 + 0.5f, 0 - 5 + 6 - 0.5f], c);
    }

    [Fact]
    public void Default_epilogue_has_alpha_one()
    {
        Assert.Equal(1f, default(SgemmEpilogue).Alpha);
        Assert.Equal(0f, new SgemmEpilogue { Alpha = 0f }.Alpha);
    }

    [Fact]
    public void Bad_arguments_name_the_argument()
    {
        SgemmPackedB packed = Sgemm.PackB(new float[12], 3, 4);
        float[] a = new float[2 * 3], c = new float[2 * 4];
        AssertArg("b", () => Sgemm.PackB(new float[11], 3, 4));
        AssertArg("k", () => Sgemm.PackB(new float[12], -1, 4));
        AssertArg("m", () => Sgemm.Run(-1, a, 3, packed, c, 4));
        AssertArg("a", () => Sgemm.Run(2, new float[5], 3, packed, c, 4));
        AssertArg("lda", () => Sgemm.Run(2, a, 2, packed, c, 4));
        AssertArg("ldc", () => Sgemm.Run(2, a, 3, packed, c, 3));
        AssertArg("c", () => Sgemm.Run(2, a, 3, packed, new float[7], 4));
        AssertArg("epilogue", () => Sgemm.Run(2, a, 3, packed, c, 4, new SgemmEpilogue { Bias = new float[3] }));
        AssertArg("epilogue", () => Sgemm.Run(2, a, 3, packed, c, 4, new SgemmEpilogue { Activation = (GemmActivation)9 }));
        AssertArg("threads", () => Sgemm.Run(2, a, 3, packed, c, 4, default, threads: 0));
        Assert.Throws<ArgumentNullException>("b", () => Sgemm.Run(2, a, 3, null!, c, 4));
        var e = Assert.Throws<ArgumentException>(() => Sgemm.Run(2, new float[5], 3, packed, c, 4));
        Assert.Contains("[M=2, K=3]", e.Message);
    }

    private static void AssertArg(string name, Action action)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(name, e.ParamName);
    }
}
