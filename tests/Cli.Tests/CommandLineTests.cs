using MlNetGraviton.Runtime;

namespace MlNetGraviton.Cli.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void NoArgumentsPrintsUsageAndExits2()
    {
        (int code, string stdout, _) = CliRunner.Run();
        Assert.Equal(2, code);
        Assert.Contains("usage: mlnetgraviton", stdout);
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new[] { "cpu", "--verbose" }, "unknown option --verbose")]
    [InlineData(new[] { "models", "create", "lstm", "--out", "x.onnx" }, "unknown architecture 'lstm'")]
    [InlineData(new[] { "models", "create", "bert", "--size", "huge", "--out", "x.onnx" }, "unknown size 'huge'")]
    [InlineData(new[] { "models", "create", "bert" }, "missing required option --out")]
    [InlineData(new[] { "models", "create", "roberta", "--cased", "--out", "x.onnx" }, "--cased applies to bert only")]
    [InlineData(new[] { "infer", "--model", "m.onnx", "--input-dir", "d", "--output-dir", "o", "--engine", "tvm" }, "unknown engine 'tvm'")]
    [InlineData(new[] { "infer", "--model", "m.onnx", "--input-dir", "d", "--output-dir", "o", "--precision", "fp8" }, "unknown precision 'fp8'")]
    [InlineData(new[] { "infer", "--model", "m.onnx", "--input-dir", "d", "--output-dir", "o", "--threads", "two" }, "expects an integer")]
    [InlineData(new[] { "infer", "--model" }, "--model needs a value")]
    public void UsageMistakesExit2WithAMessage(string[] args, string expected)
    {
        (int code, _, string stderr) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public void CpuPrintsTheDetectedFeaturesAndEngines()
    {
        (int code, string stdout, _) = CliRunner.Run("cpu");
        Assert.Equal(0, code);
        Assert.Contains("features: ", stdout);
        Assert.Contains("engine ort: ONNX Runtime", stdout);
        foreach (string feature in Kernels.CpuFeatures.Current.EnabledFeatureNames())
            Assert.Contains(feature, stdout);
    }

    [Fact]
    public void ModelsCreateWritesAGraphWithTheExportsInputNames()
    {
        using var dir = new TempDir();
        string path = dir["bert-cased.onnx"];
        (int code, string stdout, string stderr) = CliRunner.Run("models", "create", "bert", "--cased", "--labels", "2", "--out", path);
        Assert.True(code == 0, stderr);
        Assert.Contains("vocab 28996", stdout);
        using IInferenceSession session = InferenceSessionFactory.Create(path, new InferenceOptions { Engine = InferenceEngine.OnnxRuntime });
        Assert.Equal(new HashSet<string> { "input_ids", "attention_mask", "token_type_ids" }, session.Inputs.Select(i => i.Name).ToHashSet());
        Assert.Contains(session.Outputs, o => o.Name == "logits");
        Assert.All(session.Inputs, i => Assert.Equal(["batch_size", "sequence_length"], i.SymbolicDims));
    }
}
