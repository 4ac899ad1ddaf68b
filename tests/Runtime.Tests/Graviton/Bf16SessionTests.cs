using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Models;
using MlNetGraviton.Runtime.Tests.Graviton.Optimization;

namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>
/// <see cref="Precision.BFloat16"/> on the graviton engine: every constant-weight GEMM packed for the bf16 fast-math kind
/// <see cref="SgemmKernelInfo.SelectFastMath"/> finds, checked against the fp32 session on tiny BERT, RoBERTa and GPT-2
/// (cosine ≥ 0.999 per output row); where the CPU (after the ISA limit) has no bf16 kernel, a clear error at creation.
/// </summary>
public sealed class Bf16SessionTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>
{
    private const double MinCosine = 0.999;

    private static readonly CpuFeatures X64WithoutBf16 = new() { IsX64 = true, Avx2 = true, Fma = true, Avx512F = true, Avx512BW = true, Avx512Vnni = true };
    private static readonly CpuFeatures Arm64WithoutBf16 = new() { IsArm64 = true, AdvSimd = true, DotProd = true, I8mm = true };

    private static InferenceOptions Options(Precision precision) => new() { Engine = InferenceEngine.Graviton, Precision = precision, Threads = 2 };

    public static TheoryData<TransformerArchitecture, bool> Models()
    {
        var data = new TheoryData<TransformerArchitecture, bool>();
        foreach (TransformerArchitecture arch in Enum.GetValues<TransformerArchitecture>())
            foreach (bool strong in new[] { false, true })
                data.Add(arch, strong);
        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Bf16_session_agrees_with_fp32_row_by_row(TransformerArchitecture arch, bool strong)
    {
        if (SgemmKernelInfo.SelectFastMath(CpuFeatures.Current, out string reason) is not { } kind)
        {
            Assert.Skip($"no bf16 fast-math SGEMM kernel on this CPU: {reason}");
            return;
        }
        var (config, path) = models.Get(arch, strong);
        using IInferenceSession fp32 = InferenceSessionFactory.Create(path, Options(Precision.Float32));
        using IInferenceSession bf16 = InferenceSessionFactory.Create(path, Options(Precision.BFloat16));
        Assert.Equal(Precision.BFloat16, bf16.ChosenPrecision);
        Assert.Contains("graviton engine, bf16", bf16.Description);
        Assert.Contains($"bf16 fast-math {SgemmKernelInfo.Name(kind)} for ", bf16.Description);
        var fp32Session = Assert.IsType<GravitonSession>(fp32);
        var bf16Session = Assert.IsType<GravitonSession>(bf16);
        Assert.Equal(kind, bf16Session.WeightKernel);
        Assert.False(SgemmKernelInfo.IsFastMath(fp32Session.WeightKernel));
        Assert.True(bf16Session.ConstantWeights > 0);
        Assert.Equal(fp32Session.ConstantWeights, bf16Session.ConstantWeights); // every constant weight, not some

        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, batch: 2, sequence: 9, seed: 5);
        IReadOnlyDictionary<string, Tensor> expected = fp32.Run(inputs), actual = bf16.Run(inputs);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        bool anyDifference = false;
        foreach (var (name, want) in expected)
        {
            Tensor got = actual[name];
            Assert.Equal(want.Shape, got.Shape);
            if (want.ElementType != TensorElementType.Float32)
                continue;
            // Padded positions carry no meaning (GPT-2's left padding attends to nothing valid): compare where the mask keeps.
            bool perPosition = want.Rank >= 3;
            Tensor w = perPosition ? Optimized.ValidPositions(want, inputs["attention_mask"]) : want;
            Tensor g = perPosition ? Optimized.ValidPositions(got, inputs["attention_mask"]) : got;
            int width = (int)w.Dimension(w.Rank - 1);
            ReadOnlySpan<float> ws = w.AsSpan<float>(), gs = g.AsSpan<float>();
            for (int row = 0; row * width < ws.Length; row++)
            {
                double cosine = Cosine(ws.Slice(row * width, width), gs.Slice(row * width, width));
                Assert.True(cosine >= MinCosine, $"{config.Name}{(strong ? " strong" : "")} {name} row {row}: cosine bf16 vs fp32 {cosine:F6} < {MinCosine}");
            }
            anyDifference |= !ws.SequenceEqual(gs);
        }
        Assert.True(anyDifference, "bf16 equals fp32 bit for bit: were the weights really packed for bf16?");
    }

    [Fact]
    public void Bf16_with_the_isa_limit_turning_it_off_is_a_clear_error()
    {
        var (_, path) = models.Get(TransformerArchitecture.Bert, strong: false);
        CpuFeatures detected = CpuFeatures.Detected;
        IsaLevel below = detected.IsArm64 ? IsaLevel.DotProd : IsaLevel.Avx512Vnni;
        var e = Assert.Throws<NotSupportedException>(() =>
            InferenceSessionFactory.Create(path, Options(Precision.BFloat16), detected.LimitedTo(below)));
        Assert.Contains("bf16 fast-math on the graviton engine is not available", e.Message);
        Assert.Contains(detected.IsArm64 ? "Arm64 BF16" : "AVX512-BF16", e.Message);
        Assert.Contains("ISA limit", e.Message);
        Assert.Contains("fp32", e.Message);
    }

    [Fact]
    public void Bf16_on_cpus_without_it_names_the_missing_feature()
    {
        var (_, path) = models.Get(TransformerArchitecture.Bert, strong: false);
        foreach ((CpuFeatures cpu, string feature) in new[] { (X64WithoutBf16, "AVX512-BF16"), (Arm64WithoutBf16, "Arm64 BF16") })
        {
            var e = Assert.Throws<NotSupportedException>(() => InferenceSessionFactory.Create(path, Options(Precision.BFloat16), cpu));
            Assert.Contains(feature, e.Message);
            Assert.Contains("lacks", e.Message);
        }
    }

    [Fact]
    public void Bf16_on_this_machine_runs_exactly_where_a_fast_math_kernel_exists()
    {
        var (_, path) = models.Get(TransformerArchitecture.Bert, strong: false);
        if (SgemmKernelInfo.SelectFastMath(CpuFeatures.Current, out string reason) is { } kind)
        {
            using IInferenceSession session = InferenceSessionFactory.Create(path, Options(Precision.BFloat16));
            Assert.Equal(Precision.BFloat16, session.ChosenPrecision);
            Assert.Contains(SgemmKernelInfo.Name(kind), session.Description);
            return;
        }
        var e = Assert.Throws<NotSupportedException>(() => InferenceSessionFactory.Create(path, Options(Precision.BFloat16)));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Auto_stays_fp32_and_says_whether_bf16_was_available()
    {
        var (_, path) = models.Get(TransformerArchitecture.Bert, strong: false);
        using IInferenceSession session = InferenceSessionFactory.Create(path, Options(Precision.Auto));
        Assert.Equal(Precision.Float32, session.ChosenPrecision);
        Assert.False(SgemmKernelInfo.IsFastMath(Assert.IsType<GravitonSession>(session).WeightKernel));
        Assert.Contains("auto: fp32", session.Description);
        Assert.Contains(SgemmKernelInfo.SelectFastMath(CpuFeatures.Current, out _) is { } kind
            ? $"bf16 fast-math ({SgemmKernelInfo.Name(kind)}) is available but not chosen"
            : "bf16 fast-math unavailable", session.Description);
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return na == 0 && nb == 0 ? 1 : dot / Math.Sqrt(na * nb);
    }
}
