namespace MlNetGraviton.Runtime.Tests;

public class OrtBackendOptionsTests(GraphFixture fixture) : IClassFixture<GraphFixture>
{
    [Theory]
    [InlineData(GraphOptimization.Disable)]
    [InlineData(GraphOptimization.Basic)]
    [InlineData(GraphOptimization.Extended)]
    [InlineData(GraphOptimization.All)]
    public void Every_optimization_level_and_thread_setting_computes_the_same_result(GraphOptimization level)
    {
        var options = new OrtBackendOptions { GraphOptimizationLevel = level, IntraOpThreads = 2, InterOpThreads = 1 };
        options.ConfigEntries["session.intra_op.allow_spinning"] = "0";
        using var session = new OrtBackendSession(fixture.ModelPath, options);

        Dictionary<string, Tensor> inputs = TestGraph.Inputs(3, 2, seed: 11);
        float[] y = session.Run(inputs, ["y"])["y"].AsSpan<float>().ToArray();
        Approx.Equal(fixture.Graph.Reference(inputs["x"].AsSpan<float>().ToArray()), y);
        Assert.Contains("intra-op threads 2", session.Description);
        Assert.Contains(level.ToString(), session.Description);
    }

    [Fact]
    public void Optimized_model_file_is_written()
    {
        using var folder = new TempFolder();
        string optimized = folder.File("optimized.onnx");
        using (new OrtBackendSession(fixture.ModelPath, new OrtBackendOptions { OptimizedModelFilePath = optimized }))
        {
        }
        Assert.True(new FileInfo(optimized).Length > 0);
        using var reopened = new OrtBackendSession(optimized);
        Assert.Equal(fixture.Session.Inputs.Select(i => i.ToString()), reopened.Inputs.Select(i => i.ToString()));
    }

    [Fact]
    public void Bf16_fast_math_flag_sets_the_config_entry_and_reports_what_the_cpu_makes_of_it()
    {
        var options = new OrtBackendOptions { Bf16FastMath = true };
        Assert.True(options.RequestsBf16FastMath);
        var raw = new OrtBackendOptions();
        raw.ConfigEntries[OrtBackendOptions.Bf16FastMathConfigKey] = "1";
        Assert.True(raw.RequestsBf16FastMath);
        Assert.Equal("mlas.enable_gemm_fastmath_arm64_bfloat16", OrtBackendOptions.Bf16FastMathConfigKey);
        // ONNX Runtime accepts the key on every CPU (it only acts on Arm64 with BF16), so the session opens here too.
        using var session = new OrtBackendSession(fixture.ModelPath, options);
        Kernels.CpuFeatures cpu = Kernels.CpuFeatures.Detected;
        if (cpu.IsArm64 && cpu.Bf16)
        {
            Assert.Equal(Precision.BFloat16, session.ChosenPrecision);
            Assert.Contains("precision bf16 fast-math", session.Description);
        }
        else
        {
            Assert.Equal(Precision.Float32, session.ChosenPrecision);
            Assert.Contains("precision fp32 (bf16 fast-math requested, but ONNX Runtime applies it only on Arm64 CPUs with BF16)", session.Description);
        }
    }

    [Fact]
    public void Negative_thread_counts_are_rejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new OrtBackendSession(fixture.ModelPath, new OrtBackendOptions { IntraOpThreads = -1 }));
        Assert.Contains("IntraOpThreads", e.Message);
    }

    [Fact]
    public void Missing_model_file_names_the_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("absent.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => new OrtBackendSession(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Model_file_onnx_runtime_rejects_names_the_file()
    {
        using var folder = new TempFolder();
        string path = folder.File("garbage.onnx");
        File.WriteAllText(path, "this is not a protobuf model");
        var e = Assert.Throws<InvalidDataException>(() => new OrtBackendSession(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("cannot load", e.Message);
    }

    [Fact]
    public void Clone_copies_config_entries_independently()
    {
        var options = new OrtBackendOptions();
        options.ConfigEntries["a"] = "1";
        OrtBackendOptions copy = options.Clone();
        copy.ConfigEntries["a"] = "2";
        Assert.Equal("1", options.ConfigEntries["a"]);
    }
}
