using MlNetGraviton.Models;
using MlNetGraviton.Models.Tests;
using MlNetGraviton.Models.Tests.Reference;
using MlNetGraviton.Runtime;
using Onnx;

namespace MlNetGraviton.Cli.Tests;

public sealed class InferCommandTests
{
    [Fact]
    public void The_projects_own_engine_is_the_default_and_ort_is_one_flag_away()
    {
        InferenceOptions byDefault = Commands.InferCommand.ParseOptions(new CommandLineArgs([], new HashSet<string>()));
        Assert.Equal(InferenceEngine.Graviton, byDefault.Engine);
        Assert.Equal(Precision.Float32, byDefault.Precision);
        InferenceOptions ort = Commands.InferCommand.ParseOptions(new CommandLineArgs(["--engine", "ort"], new HashSet<string>()));
        Assert.Equal(InferenceEngine.OnnxRuntime, ort.Engine);
    }

    [Theory]
    [InlineData(TransformerArchitecture.Bert, 0, "ort")]
    [InlineData(TransformerArchitecture.Roberta, 3, "ort")]
    [InlineData(TransformerArchitecture.Gpt2, 0, "ort")]
    [InlineData(TransformerArchitecture.Bert, 0, "graviton")]
    [InlineData(TransformerArchitecture.Roberta, 3, "graviton")]
    [InlineData(TransformerArchitecture.Gpt2, 0, "graviton")]
    public void InferRoundTripsNpyAndMatchesTheReferenceForwardPass(TransformerArchitecture arch, int labels, string engine)
    {
        using var dir = new TempDir();
        TransformerConfig config = TransformerConfig.Create(arch, ModelSize.Tiny, numLabels: labels);
        string modelPath = dir["model.onnx"];
        (int code, string stdout, string stderr) = CliRunner.Run("models", "create", arch.ToString().ToLowerInvariant(), "--size", "tiny",
            "--labels", labels.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", modelPath);
        Assert.True(code == 0, stderr);
        Assert.Contains(config.Name, stdout);

        ModelInputs inputs = ModelInputs.Create(config, batch: 3, sequence: 7, seed: 5);
        string inputDir = dir["in"];
        Directory.CreateDirectory(inputDir);
        foreach ((string name, long[] values) in inputs.ByName())
            NpyFile.Write(Path.Combine(inputDir, name + ".npy"), Tensor.Create(values, inputs.Batch, inputs.Sequence));

        string outputDir = dir["out"];
        (code, stdout, stderr) = CliRunner.Run("infer", "--model", modelPath, "--input-dir", inputDir, "--output-dir", outputDir, "--engine", engine, "--threads", "1");
        Assert.True(code == 0, stderr);
        Assert.Contains("infer: wrote", stdout);

        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        ReferenceOutputs expected = new ReferenceTransformer(model, config).Run(inputs);

        Tensor hidden = NpyFile.Read(Path.Combine(outputDir, "last_hidden_state.npy"));
        Assert.Equal(new long[] { inputs.Batch, inputs.Sequence, config.Hidden }, hidden.Shape);
        AssertParity(hidden, MaskPadding(expected.LastHiddenState, inputs, config.Hidden), config.Hidden);

        if (arch == TransformerArchitecture.Gpt2 || labels > 0)
        {
            Tensor logits = NpyFile.Read(Path.Combine(outputDir, "logits.npy"));
            int rowLength = (int)logits.Shape[^1];
            Assert.Equal(arch == TransformerArchitecture.Gpt2 ? config.VocabSize : labels, rowLength);
            double[] expectedLogits = arch == TransformerArchitecture.Gpt2
                ? MaskPadding(expected.Logits!, inputs, rowLength)
                : expected.Logits!;
            AssertParity(logits, expectedLogits, rowLength);
        }
        else
        {
            Assert.False(File.Exists(Path.Combine(outputDir, "logits.npy")));
        }
    }

    [Fact]
    public void MissingInputFileNamesTheInput()
    {
        using var dir = new TempDir();
        string modelPath = dir["bert.onnx"];
        Assert.Equal(0, CliRunner.Run("models", "create", "bert", "--out", modelPath).ExitCode);
        Directory.CreateDirectory(dir["in"]);
        NpyFile.Write(dir["in/input_ids.npy"], Tensor.Create(new long[] { 101, 102 }, 1, 2));
        (int code, _, string stderr) = CliRunner.Run("infer", "--model", modelPath, "--input-dir", dir["in"], "--output-dir", dir["out"], "--engine", "ort");
        Assert.Equal(1, code);
        Assert.Contains("attention_mask", stderr);
    }

    [Fact]
    public void WrongInputShapeNamesTheInput()
    {
        using var dir = new TempDir();
        string modelPath = dir["gpt2.onnx"];
        Assert.Equal(0, CliRunner.Run("models", "create", "gpt2", "--out", modelPath).ExitCode);
        Directory.CreateDirectory(dir["in"]);
        NpyFile.Write(dir["in/input_ids.npy"], Tensor.Create(new long[] { 1, 2, 3 }, 3));
        NpyFile.Write(dir["in/attention_mask.npy"], Tensor.Create(new long[] { 1, 1, 1 }, 1, 3));
        (int code, _, string stderr) = CliRunner.Run("infer", "--model", modelPath, "--input-dir", dir["in"], "--output-dir", dir["out"], "--engine", "ort");
        Assert.Equal(1, code);
        Assert.Contains("input_ids", stderr);
    }

    [Fact]
    public void GravitonInt8QuantizesAtLoadAndWritesOutputsCloseToFp32()
    {
        using var dir = new TempDir();
        TransformerConfig config = TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Tiny);
        string modelPath = dir["bert.onnx"];
        Assert.Equal(0, CliRunner.Run("models", "create", "bert", "--size", "tiny", "--out", modelPath).ExitCode);
        ModelInputs inputs = ModelInputs.Create(config, batch: 2, sequence: 6, seed: 9);
        Directory.CreateDirectory(dir["in"]);
        foreach ((string name, long[] values) in inputs.ByName())
            NpyFile.Write(Path.Combine(dir["in"], name + ".npy"), Tensor.Create(values, inputs.Batch, inputs.Sequence));
        var hidden = new Dictionary<string, Tensor>();
        foreach (string precision in new[] { "fp32", "int8" })
        {
            (int code, _, string stderr) = CliRunner.Run("infer", "--model", modelPath, "--input-dir", dir["in"], "--output-dir", dir[precision],
                "--engine", "graviton", "--precision", precision, "--threads", "1");
            Assert.True(code == 0, stderr);
            hidden[precision] = NpyFile.Read(Path.Combine(dir[precision], "last_hidden_state.npy"));
        }
        float[] a = hidden["fp32"].AsSpan<float>().ToArray(), b = hidden["int8"].AsSpan<float>().ToArray();
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        Assert.True(dot / Math.Sqrt(na * nb) > 0.99, "int8 hidden states far from fp32");
        Assert.False(a.SequenceEqual(b), "int8 equals fp32 exactly: was anything quantized?");
    }

    [Theory]
    [InlineData("graviton", "bf16", "AVX512-BF16")]
    [InlineData("ort", "int8", "int8")]
    public void UnavailableEnginesAndPrecisionsAreClearErrors(string engine, string precision, string expected)
    {
        using var dir = new TempDir();
        string modelPath = dir["bert.onnx"];
        Assert.Equal(0, CliRunner.Run("models", "create", "bert", "--out", modelPath).ExitCode);
        Directory.CreateDirectory(dir["in"]);
        (int code, _, string stderr) = CliRunner.Run("infer", "--model", modelPath, "--input-dir", dir["in"], "--output-dir", dir["out"],
            "--engine", engine, "--precision", precision);
        if (precision == "bf16" && Kernels.Gemm.SgemmKernelInfo.SelectFastMath(Kernels.CpuFeatures.Current, out _) is not null)
        {
            // This CPU has a bf16 kernel: the request is served (the empty input folder is the only complaint), never refused.
            Assert.DoesNotContain("not available", stderr, StringComparison.OrdinalIgnoreCase);
            return;
        }
        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Bf16WithoutTheCpuFeatureNamesIt()
    {
        if (Kernels.CpuFeatures.Current.IsArm64 && Kernels.CpuFeatures.Current.Bf16)
            Assert.Skip("this CPU has Arm64 BF16, so ORT's bf16 fast-math is available");
        using var dir = new TempDir();
        string modelPath = dir["bert.onnx"];
        Assert.Equal(0, CliRunner.Run("models", "create", "bert", "--out", modelPath).ExitCode);
        Directory.CreateDirectory(dir["in"]);
        (int code, _, string stderr) = CliRunner.Run("infer", "--model", modelPath, "--input-dir", dir["in"], "--output-dir", dir["out"],
            "--engine", "ort", "--precision", "bf16");
        Assert.Equal(1, code);
        Assert.Contains("BF16", stderr);
    }

    [Fact]
    public void MissingModelFileIsNamed()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir["in"]);
        (int code, _, string stderr) = CliRunner.Run("infer", "--model", dir["nope.onnx"], "--input-dir", dir["in"], "--output-dir", dir["out"]);
        Assert.Equal(1, code);
        Assert.Contains("nope.onnx", stderr);
    }

    /// <summary>Padded positions carry no meaning in the reference comparison; mark them NaN so Parity skips them.</summary>
    private static double[] MaskPadding(double[] values, ModelInputs inputs, int rowLength)
    {
        double[] copy = (double[])values.Clone();
        for (int i = 0; i < inputs.AttentionMask.Length; i++)
        {
            if (inputs.AttentionMask[i] == 0)
                Array.Fill(copy, double.NaN, i * rowLength, rowLength);
        }
        return copy;
    }

    private static void AssertParity(Tensor actual, double[] expected, int rowLength)
    {
        Parity parity = Parity.Compare(actual.AsSpan<float>().ToArray(), expected, rowLength);
        Assert.True(parity.WithinBounds, $"min cosine {parity.MinCosine}, max |diff| {parity.MaxAbsDiff}");
        Assert.True(parity.RowsCompared > 0);
    }
}
