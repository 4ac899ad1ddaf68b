using MlNetGraviton.Runtime;
using Onnx;

namespace MlNetGraviton.Cli.Tests;

public sealed class QuantizeCommandTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Quantize_writes_a_model_onnx_runtime_runs_and_prints_what_it_did(bool perChannel)
    {
        using var dir = new TempDir();
        string model = dir["bert.onnx"], quantized = dir["bert-int8.onnx"];
        Assert.Equal(0, CliRunner.Run("models", "create", "bert", "--size", "tiny", "--out", model).ExitCode);
        string[] args = perChannel ? ["quantize", model, quantized, "--per-channel"] : ["quantize", model, quantized];
        (int code, string stdout, string stderr) = CliRunner.Run(args);
        Assert.True(code == 0, stderr);
        Assert.Matches(@$"quantize: quantized \d+ MatMul nodes \({(perChannel ? "per-channel" : "per-tensor")} s8 weights, \d+ dynamically quantized u8 activations\)", stdout);
        Assert.Contains(quantized, stdout);
        // Attention's Q·Kᵀ and P·V have no constant weight: reported once per reason, not once per node.
        Assert.Single(stdout.Split('\n'), l => l.Contains("left in float32: MatMul", StringComparison.Ordinal));
        Assert.Contains("B is not a constant initializer", stdout);

        ModelProto q = ModelProto.Parser.ParseFrom(File.ReadAllBytes(quantized));
        Assert.Contains(q.Graph.Node, n => n.OpType == "MatMulInteger");
        using var session = new OrtBackendSession(quantized, new OrtBackendOptions { IntraOpThreads = 1 });
        var inputs = new Dictionary<string, Tensor>
        {
            ["input_ids"] = Tensor.Create(new long[] { 101, 7, 8, 102 }, 1, 4),
            ["attention_mask"] = Tensor.Create(new long[] { 1, 1, 1, 1 }, 1, 4),
            ["token_type_ids"] = Tensor.Create(new long[4], 1, 4),
        };
        Assert.NotEmpty(session.Run(inputs));
    }

    [Fact]
    public void Missing_arguments_are_a_usage_error()
    {
        (int code, _, string stderr) = CliRunner.Run("quantize", "only-one.onnx");
        Assert.Equal(2, code);
        Assert.Contains("quantize in.onnx out.onnx", stderr);
    }

    [Fact]
    public void A_missing_input_file_is_named()
    {
        using var dir = new TempDir();
        (int code, _, string stderr) = CliRunner.Run("quantize", dir["absent.onnx"], dir["out.onnx"]);
        Assert.Equal(1, code);
        Assert.Contains("absent.onnx", stderr);
    }
}
