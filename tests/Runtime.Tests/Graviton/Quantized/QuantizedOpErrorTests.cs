using Google.Protobuf;
using MlNetGraviton.Runtime.Execution;
using MlNetGraviton.Runtime.Graph;
using Onnx;
using static MlNetGraviton.Runtime.Tests.Graviton.Quantized.QuantizedOpCases;

namespace MlNetGraviton.Runtime.Tests.Graviton.Quantized;

/// <summary>What the quantized kernels refuse, and a per-row zero point (outside ORT's support) against a plain reference.</summary>
public sealed class QuantizedOpErrorTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Blocked_quantization_is_refused_at_load_naming_the_node()
    {
        string path = new OneNodeModel("DequantizeLinear", 21).Input("x", U8(4, 8)).Input("s", Tensor.Create(new float[8], 4, 2))
            .Attr("block_size", 4L).Attr("axis", 1L).Output("y", TensorElementType.Float32).Save(_folder);
        var e = Assert.Throws<UnsupportedOperatorException>(() => new GravitonSession(path));
        Assert.Equal("node0", e.NodeName);
        Assert.Contains("block_size = 4", e.Message);
    }

    [Fact]
    public void Quantizing_to_an_unsupported_output_type_is_refused_at_load()
    {
        string path = new OneNodeModel("QuantizeLinear", 21).Input("x", F(4)).Input("s", Scale(0.1f)).Attr("output_dtype", 17L /* float8e4m3fn */)
            .Output("y", TensorElementType.UInt8).Save(_folder);
        var e = Assert.Throws<UnsupportedOperatorException>(() => new GravitonSession(path));
        Assert.Contains("output_dtype 17", e.Message);
    }

    [Fact]
    public void A_float8_zero_point_is_refused_at_load()
    {
        ModelProto model = new OneNodeModel("QuantizeLinear", 19).Input("x", F(4)).Input("s", Scale(0.1f)).Constant("zp", ZpU8(0))
            .Output("y", TensorElementType.UInt8).Build();
        model.Graph.Initializer[0].DataType = (int)TensorProto.Types.DataType.Float8E4M3Fn;
        string path = _folder.File("float8.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        var e = Assert.ThrowsAny<NotSupportedException>(() => new GravitonSession(path));
        Assert.Contains("zp", e.Message);
    }

    [Fact]
    public void Per_axis_scale_before_opset_13_fails_naming_node_and_scale()
    {
        OneNodeModel model = new OneNodeModel("QuantizeLinear", 10).Input("x", F(2, 3)).Input("s", Scale(0.1f, 0.2f, 0.3f)).Output("y", TensorElementType.UInt8);
        using var session = new GravitonSession(model.Save(_folder), 1);
        var e = Assert.Throws<GraphExecutionException>(() => session.Run(model.Feeds()));
        Assert.Contains("node 'node0' (QuantizeLinear)", e.Message);
        Assert.Contains("opset 13", e.Message);
    }

    [Fact]
    public void Zero_point_of_the_wrong_type_fails_naming_the_input()
    {
        OneNodeModel model = new OneNodeModel("MatMulInteger", 10).Input("a", U8(2, 3)).Input("b", U8(3, 4)).Input("azp", ZpS8(1))
            .Output("y", TensorElementType.Int32);
        using var session = new GravitonSession(model.Save(_folder), 1);
        var e = Assert.Throws<GraphExecutionException>(() => session.Run(model.Feeds()));
        Assert.Contains("a_zero_point", e.Message);
        Assert.Contains("uint8", e.Message);
    }

    [Fact]
    public void Mismatched_inner_dimensions_fail_naming_both_shapes()
    {
        OneNodeModel model = new OneNodeModel("DynamicQuantizeMatMul", 17, "com.microsoft").Input("a", F(2, 5)).Constant("b", S8(6, 3))
            .Constant("bs", Scale(0.1f)).Output("y", TensorElementType.Float32);
        // Both shapes are fixed in the file, so load-time shape inference refuses it before any run.
        var e = Assert.Throws<OnnxModelException>(() => new GravitonSession(model.Save(_folder), 1));
        Assert.Contains("'node0' (DynamicQuantizeMatMul)", e.Message);
        Assert.Contains("[2, 5]", e.Message);
        Assert.Contains("[6, 3]", e.Message);
    }

    [Fact]
    public void Bias_of_the_wrong_length_fails_naming_bias()
    {
        OneNodeModel model = new OneNodeModel("DynamicQuantizeMatMul", 17, "com.microsoft").Input("a", F(2, 6)).Constant("b", S8(6, 3))
            .Constant("bs", Scale(0.1f)).Skip().Constant("bias", F(4)).Output("y", TensorElementType.Float32);
        using var session = new GravitonSession(model.Save(_folder), 1);
        var e = Assert.Throws<GraphExecutionException>(() => session.Run(model.Feeds()));
        Assert.Contains("bias", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Per_row_a_zero_point_matches_a_scalar_reference(bool constantB)
    {
        // ONNX allows a_zero_point per row of A; ONNX Runtime's CPU kernel accepts only a scalar, so the reference is a loop.
        Tensor a = U8(2, 4, 9), b = S8(9, 5);
        var zp = new byte[] { 0, 7, 200, 128 };
        var model = new OneNodeModel("MatMulInteger", 10).Input("a", a);
        model = constantB ? model.Constant("b", b) : model.Input("b", b);
        model.Input("azp", Tensor.Create(zp, 4)).Input("bzp", ZpS8(-3)).Output("y", TensorElementType.Int32);
        using var session = new GravitonSession(model.Save(_folder), 2);
        int[] y = session.Run(model.Feeds())["y"].AsSpan<int>().ToArray();
        ReadOnlySpan<byte> ad = a.AsSpan<byte>();
        ReadOnlySpan<sbyte> bd = b.AsSpan<sbyte>();
        for (int batch = 0; batch < 2; batch++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 5; j++)
                {
                    int sum = 0;
                    for (int k = 0; k < 9; k++)
                        sum += (ad[(batch * 4 + i) * 9 + k] - zp[i]) * (bd[k * 5 + j] + 3);
                    Assert.Equal(sum, y[(batch * 4 + i) * 5 + j]);
                }
    }

    public void Dispose() => _folder.Dispose();
}
