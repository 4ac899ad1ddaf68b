using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Runtime.Tests;

public class InferenceSessionFactoryTests(GraphFixture fixture) : IClassFixture<GraphFixture>
{
    private static readonly CpuFeatures X64WithAvx512Bf16 = new() { IsX64 = true, Avx2 = true, Fma = true, Avx512F = true, Avx512Bf16 = true };
    private static readonly CpuFeatures Arm64WithBf16 = new() { IsArm64 = true, AdvSimd = true, DotProd = true, I8mm = true, Bf16 = true };
    private static readonly CpuFeatures Arm64WithoutBf16 = new() { IsArm64 = true, AdvSimd = true, DotProd = true };

    private static InferenceOptions Ort(Precision precision, int threads = 0) =>
        new() { Engine = InferenceEngine.OnnxRuntime, Precision = precision, Threads = threads };

    [Fact]
    public void Default_engine_is_graviton_and_runs_the_model_in_fp32()
    {
        var options = new InferenceOptions { Threads = 1 };
        Assert.Equal(InferenceEngine.Graviton, options.Engine);
        using IInferenceSession session = InferenceSessionFactory.Create(fixture.ModelPath, options);
        Assert.IsType<GravitonSession>(session);
        Assert.Equal(Precision.Float32, session.ChosenPrecision);
        Assert.Contains("graviton engine, fp32", session.Description);
        Assert.Contains("intra-op threads 1", session.Description);
        Dictionary<string, Tensor> inputs = TestGraph.Inputs(4, 2, seed: 22);
        IReadOnlyDictionary<string, Tensor> outputs = session.Run(inputs);
        Approx.Equal(fixture.Graph.Reference(inputs["x"].AsSpan<float>().ToArray()), outputs["y"].AsSpan<float>());
        long[] ids = inputs["ids"].AsSpan<long>().ToArray();
        Assert.Equal(ids.Select(v => v + v).ToArray(), outputs["ids_doubled"].AsSpan<long>().ToArray());
    }

    [Fact]
    public void Graviton_auto_is_fp32_and_says_why()
    {
        using IInferenceSession session = InferenceSessionFactory.Create(fixture.ModelPath, new InferenceOptions { Precision = Precision.Auto });
        Assert.Equal(Precision.Float32, session.ChosenPrecision);
        Assert.Contains("auto:", session.Description);
        Assert.Contains("fp32", session.Description);
    }

    [Fact]
    public void Graviton_bf16_is_refused_where_no_bf16_kernel_runs_never_silently_fp32()
    {
        foreach (CpuFeatures cpu in new[] { X64WithAvx512Bf16, Arm64WithBf16, Arm64WithoutBf16, CpuFeatures.Current, CpuFeatures.Current.LimitedTo(IsaLevel.Avx512Vnni) })
        {
            // A described CPU whose bf16 kernel this process cannot run is refused too (its kernel could not be packed here).
            if (SgemmKernelInfo.SelectFastMath(cpu, out string reason) is not null)
                continue;
            var e = Assert.Throws<NotSupportedException>(() =>
                InferenceSessionFactory.Create(fixture.ModelPath, new InferenceOptions { Precision = Precision.BFloat16 }, cpu));
            Assert.Contains("bf16 fast-math on the graviton engine is not available", e.Message);
            Assert.Contains(reason, e.Message);
            Assert.Contains("BF16", e.Message);
        }
    }

    [Fact]
    public void Graviton_int8_quantizes_an_fp32_model_at_load_and_names_the_qgemm_kernel()
    {
        using IInferenceSession session = InferenceSessionFactory.Create(fixture.ModelPath, new InferenceOptions { Precision = Precision.Int8, Threads = 1 });
        Assert.IsType<GravitonSession>(session);
        Assert.Equal(Precision.Int8, session.ChosenPrecision);
        Assert.Contains("graviton engine, int8", session.Description);
        Assert.Contains("quantized at load: quantized 1 MatMul nodes", session.Description);
        Assert.Contains("1 MatMuls on QGEMM Qgemm_", session.Description);
        Dictionary<string, Tensor> inputs = TestGraph.Inputs(4, 2, seed: 23);
        float[] expected = fixture.Graph.Reference(inputs["x"].AsSpan<float>().ToArray());
        float[] actual = session.Run(inputs)["y"].AsSpan<float>().ToArray();
        double dot = 0, ne = 0, na = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            dot += expected[i] * actual[i];
            ne += expected[i] * expected[i];
            na += actual[i] * actual[i];
        }
        Assert.True(dot / Math.Sqrt(ne * na) > 0.99, "int8 result far from the fp32 reference");
        Assert.False(expected.SequenceEqual(actual), "int8 result equals fp32 exactly: was anything quantized?");
    }

    [Fact]
    public void Ort_fp32_session_runs_the_model()
    {
        using IInferenceSession session = InferenceSessionFactory.Create(fixture.ModelPath, Ort(Precision.Float32, threads: 1));
        Assert.IsType<OrtBackendSession>(session);
        Assert.Equal(Precision.Float32, session.ChosenPrecision);
        Assert.Contains("intra-op threads 1", session.Description);
        Dictionary<string, Tensor> inputs = TestGraph.Inputs(4, 2, seed: 21);
        Approx.Equal(fixture.Graph.Reference(inputs["x"].AsSpan<float>().ToArray()), session.Run(inputs)["y"].AsSpan<float>());
    }

    [Fact]
    public void Bf16_on_x86_names_the_missing_feature()
    {
        var e = Assert.Throws<NotSupportedException>(() =>
            InferenceSessionFactory.Create(fixture.ModelPath, Ort(Precision.BFloat16), X64WithAvx512Bf16));
        Assert.Contains("needs an Arm64 CPU with BF16 (BFMMLA)", e.Message);
        Assert.Contains("x86-64", e.Message);
    }

    [Fact]
    public void Bf16_on_arm64_without_bf16_names_the_missing_feature()
    {
        var e = Assert.Throws<NotSupportedException>(() =>
            InferenceSessionFactory.Create(fixture.ModelPath, Ort(Precision.BFloat16), Arm64WithoutBf16));
        Assert.Contains("FEAT_BF16", e.Message);
    }

    [Fact]
    public void Bf16_on_arm64_with_bf16_turns_on_fast_math()
    {
        using IInferenceSession session = InferenceSessionFactory.Create(fixture.ModelPath, Ort(Precision.BFloat16), Arm64WithBf16);
        Assert.Equal(Precision.BFloat16, session.ChosenPrecision);
        Assert.Contains("bf16 fast-math", session.Description);
    }

    [Fact]
    public void Bf16_request_on_this_machine_follows_its_cpu()
    {
        CpuFeatures cpu = CpuFeatures.Current;
        if (cpu.IsArm64 && cpu.Bf16)
        {
            using IInferenceSession session = InferenceSessionFactory.Create(fixture.ModelPath, Ort(Precision.BFloat16));
            Assert.Equal(Precision.BFloat16, session.ChosenPrecision);
        }
        else
        {
            Assert.Throws<NotSupportedException>(() => InferenceSessionFactory.Create(fixture.ModelPath, Ort(Precision.BFloat16)));
        }
    }

    [Fact]
    public void Auto_picks_bf16_fast_math_only_on_arm64_with_bf16_and_says_why()
    {
        using (IInferenceSession arm = InferenceSessionFactory.Create(fixture.ModelPath, Ort(Precision.Auto), Arm64WithBf16))
        {
            Assert.Equal(Precision.BFloat16, arm.ChosenPrecision);
            Assert.Contains("auto: Arm64 CPU with BF16", arm.Description);
        }
        using IInferenceSession x86 = InferenceSessionFactory.Create(fixture.ModelPath, Ort(Precision.Auto), X64WithAvx512Bf16);
        Assert.Equal(Precision.Float32, x86.ChosenPrecision);
        Assert.Contains("auto:", x86.Description);
        Assert.Contains("x86-64", x86.Description);
        Assert.Contains("fp32", x86.Description);
    }

    [Fact]
    public void Int8_on_ort_needs_a_quantized_graph()
    {
        var e = Assert.Throws<NotSupportedException>(() => InferenceSessionFactory.Create(fixture.ModelPath, Ort(Precision.Int8)));
        Assert.Contains("quantized graph", e.Message);
        Assert.Contains("not available yet", e.Message);
    }

    [Fact]
    public void Threads_become_intra_op_threads_and_conflicts_are_errors()
    {
        var plan = new OrtPrecisionPlan(Precision.Float32, false, "");
        Assert.Equal(3, InferenceSessionFactory.OrtOptionsFor(Ort(Precision.Float32, threads: 3), plan).IntraOpThreads);

        InferenceOptions conflicting = Ort(Precision.Float32, threads: 3);
        conflicting.Ort = new OrtBackendOptions { IntraOpThreads = 2 };
        var e = Assert.Throws<ArgumentException>(() => InferenceSessionFactory.OrtOptionsFor(conflicting, plan));
        Assert.Contains("Threads = 3", e.Message);
        Assert.Contains("IntraOpThreads = 2", e.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => InferenceSessionFactory.Create(fixture.ModelPath, Ort(Precision.Float32, threads: -2)));
    }

    [Fact]
    public void Fast_math_in_ort_options_conflicts_with_an_fp32_request()
    {
        InferenceOptions options = Ort(Precision.Float32);
        options.Ort = new OrtBackendOptions { Bf16FastMath = true };
        var e = Assert.Throws<ArgumentException>(() => InferenceSessionFactory.Create(fixture.ModelPath, options, Arm64WithBf16));
        Assert.Contains("bf16 fast-math", e.Message);
    }

    [Fact]
    public void Caller_options_are_not_modified()
    {
        InferenceOptions options = Ort(Precision.BFloat16, threads: 2);
        options.Ort = new OrtBackendOptions();
        using (InferenceSessionFactory.Create(fixture.ModelPath, options, Arm64WithBf16))
        {
        }
        Assert.False(options.Ort.Bf16FastMath);
        Assert.Equal(0, options.Ort.IntraOpThreads);
    }
}
