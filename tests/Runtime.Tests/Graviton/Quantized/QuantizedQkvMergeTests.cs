using Google.Protobuf;
using MlNetGraviton.Kernels;
using MlNetGraviton.Models;
using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Graph.Optimization;
using MlNetGraviton.Runtime.Quantization;
using MlNetGraviton.Runtime.Tests.Graviton.Contrib;
using Onnx;

namespace MlNetGraviton.Runtime.Tests.Graviton.Quantized;

/// <summary>
/// An int8 graph's three quantized Q, K and V projections of one input become one quantized GEMM by [Bq | Bk | Bv]
/// (GPT-2's single c_attn GEMM loses its Split instead), and attention reads Q, K and V from that one [B, S, 3D] output.
/// The input's dynamic quantization depends only on the input, so nothing may change by a single bit; the packed
/// attention form itself is checked against ONNX Runtime's MultiHeadAttention on separate Q, K and V.
/// </summary>
public sealed class QuantizedQkvMergeTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>, IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<TransformerArchitecture, bool, bool> Cases()
    {
        var data = new TheoryData<TransformerArchitecture, bool, bool>();
        foreach (var arch in Enum.GetValues<TransformerArchitecture>())
            foreach (bool perChannel in new[] { false, true })
                data.Add(arch, perChannel, false);
        // uint8 weights with zero points, per tensor on some projections and per column on others (the merged zero points).
        data.Add(TransformerArchitecture.Bert, false, true);
        data.Add(TransformerArchitecture.Roberta, true, true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Merging_q_k_and_v_into_one_quantized_gemm_changes_no_bit(TransformerArchitecture arch, bool perChannel, bool uint8ZeroPoints)
    {
        var (config, path) = models.Get(arch, strong: true);
        ModelProto quantized = DynamicQuantizer.Quantize(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)),
            new DynamicQuantizationOptions { PerChannel = perChannel }, out _);
        ModelProto fused = QuantizedMatMulFusion.Apply(quantized, out int count);
        Assert.True(count > 0);
        if (uint8ZeroPoints)
            fused = WithUInt8Weights(fused);
        OnnxGraph graph = OnnxGraphLoader.Build(fused, $"{config.Name}-int8.onnx", _folder.Path);

        using var merged = new GravitonSession(graph, 2, CpuFeatures.Current, Precision.Int8, "", GraphOptimizerOptions.Default);
        using var separate = new GravitonSession(graph, 2, CpuFeatures.Current, Precision.Int8, "",
            GraphOptimizerOptions.Default.Without(PassNames.QuantizedQkv));
        Assert.Equal(config.Layers, merged.Optimization.CountOf(PassNames.QuantizedQkv));
        Assert.Equal(0, separate.Optimization.CountOf(PassNames.QuantizedQkv));
        Assert.Equal(config.Layers, merged.Optimization.CountOf(PassNames.MultiHeadAttention));
        Assert.Equal(config.Layers, separate.Optimization.CountOf(PassNames.MultiHeadAttention));
        // BERT and RoBERTa quantize the input once per layer instead of three times; GPT-2 already had one QKV GEMM.
        int quantizedGemms(GravitonSession s) => s.Optimization.Graph.Nodes.Count(n => n.OpType == "DynamicQuantizeMatMul");
        int saved = arch == TransformerArchitecture.Gpt2 ? 0 : 2 * config.Layers;
        Assert.Equal(quantizedGemms(separate) - saved, quantizedGemms(merged));
        Assert.DoesNotContain(merged.Optimization.Graph.Nodes, n => n.OpType == "Split");

        foreach (var (batch, sequence) in new[] { (1, 9), (3, 16) })
        {
            Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, batch, sequence, seed: 11 * batch + sequence);
            IReadOnlyDictionary<string, Tensor> expected = separate.Run(inputs), actual = merged.Run(inputs);
            foreach (var (name, tensor) in expected)
                Assert.True(RandomTensors.Bytes(tensor).AsSpan().SequenceEqual(RandomTensors.Bytes(actual[name])),
                    $"{config.Name} {name} batch {batch}: the merged QKV GEMM changed the output");
        }
    }

    /// <summary>
    /// Every DynamicQuantizeMatMul's int8 B as uint8 B + z with the same products: alternately one zero point 128 for the
    /// tensor and per-column zero points 127 or 128 (B's values stay within [−127, 127], so B + z fits in uint8).
    /// </summary>
    private static ModelProto WithUInt8Weights(ModelProto model)
    {
        ModelProto result = model.Clone();
        var initializers = result.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        int index = 0;
        foreach (NodeProto node in result.Graph.Node.Where(n => n.OpType == "DynamicQuantizeMatMul"))
        {
            TensorProto b = initializers[node.Input[1]];
            Assert.Equal((int)TensorProto.Types.DataType.Int8, b.DataType);
            Assert.True(node.Input.Count < 4 || node.Input[3].Length == 0 || IsZero(initializers[node.Input[3]]));
            int columns = (int)b.Dims[1];
            bool perColumn = index++ % 2 == 1;
            byte[] zero = perColumn ? Enumerable.Range(0, columns).Select(j => (byte)(127 + j % 2)).ToArray() : [128];
            byte[] raw = b.RawData.ToByteArray();
            for (int i = 0; i < raw.Length; i++)
            {
                int value = (sbyte)raw[i];
                Assert.InRange(value, -127, 127);
                raw[i] = (byte)(value + zero[perColumn ? i % columns : 0]);
            }
            b.DataType = (int)TensorProto.Types.DataType.Uint8;
            b.RawData = ByteString.CopyFrom(raw);
            var zp = new TensorProto { Name = node.Input[1] + "_u8_zero_point", DataType = (int)TensorProto.Types.DataType.Uint8, RawData = ByteString.CopyFrom(zero) };
            if (perColumn)
                zp.Dims.Add(columns);
            result.Graph.Initializer.Add(zp);
            while (node.Input.Count < 4)
                node.Input.Add("");
            node.Input[3] = zp.Name;
        }
        return result;
    }

    private static bool IsZero(TensorProto zeroPoint) => zeroPoint.RawData.All(b => b == 0) && zeroPoint.Int32Data.All(v => v == 0);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Packed_attention_matches_onnx_runtimes_multi_head_attention_on_separate_q_k_v(bool padded, bool causal)
    {
        const int batch = 2, sequence = 6, width = 16, heads = 2;
        Tensor qkv = ContribCases.F(1.5f, batch, sequence, 3 * width);
        Tensor Part(int p)
        {
            var data = new float[batch * sequence * width];
            ReadOnlySpan<float> all = qkv.AsSpan<float>();
            for (int r = 0; r < batch * sequence; r++)
                all.Slice(r * 3 * width + p * width, width).CopyTo(data.AsSpan(r * width, width));
            return Tensor.Create(data, batch, sequence, width);
        }
        Tensor mask = ContribCases.I32([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, padded ? 0 : 1, padded ? 0 : 1], batch, sequence);
        OneNodeModel reference = ContribCases.Op("MultiHeadAttention").Input("q", Part(0)).Input("k", Part(1)).Input("v", Part(2))
            .Skip().Input("mask", mask).Attr("num_heads", (long)heads).Attr("unidirectional", causal ? 1L : 0L).Output("y", TensorElementType.Float32);
        OneNodeModel packed = new OneNodeModel("MultiHeadAttention", domain: "ai.mlnetgraviton").Input("qkv", qkv).Skip().Skip().Skip().Input("mask", mask)
            .Attr("num_heads", (long)heads).Attr("unidirectional", causal ? 1L : 0L).Attr("packed_qkv", 1L).Output("y", TensorElementType.Float32);
        string referencePath = _folder.File($"mha-{padded}-{causal}.onnx");
        File.WriteAllBytes(referencePath, ContribCases.Build(reference).ToByteArray());
        Tensor expected = OrtReference.Run(referencePath, reference.Feeds())["y"];
        foreach (int threads in new[] { 1, 2 })
        {
            using var session = new GravitonSession(packed.Save(_folder), threads);
            TensorAssert.Parity(expected, session.Run(packed.Feeds())["y"], $"packed attention, padded {padded}, causal {causal}, {threads} threads");
        }
    }

    [Fact]
    public void Packed_attention_with_a_separate_key_fails_at_load_naming_the_node()
    {
        OneNodeModel model = new OneNodeModel("MultiHeadAttention", domain: "ai.mlnetgraviton")
            .Input("qkv", ContribCases.F(1f, 1, 3, 24)).Input("k", ContribCases.F(1f, 1, 3, 8))
            .Attr("num_heads", 2L).Attr("packed_qkv", 1L).Output("y", TensorElementType.Float32);
        var e = Assert.ThrowsAny<Exception>(() => new GravitonSession(model.Save(_folder), threads: 1));
        Assert.Contains("node0", e.Message);
        Assert.Contains("packed_qkv = 1", e.Message);
        Assert.Contains("input 1", e.Message);
    }

    [Fact]
    public void Packed_attention_whose_width_does_not_split_into_heads_fails_at_run_naming_the_shape()
    {
        OneNodeModel model = new OneNodeModel("MultiHeadAttention", domain: "ai.mlnetgraviton")
            .Input("qkv", ContribCases.F(1f, 1, 3, 20)).Attr("num_heads", 2L).Attr("packed_qkv", 1L).Output("y", TensorElementType.Float32);
        using var session = new GravitonSession(model.Save(_folder), threads: 1);
        var e = Assert.ThrowsAny<Exception>(() => session.Run(model.Feeds()));
        Assert.Contains("node0", e.Message);
        Assert.Contains("[1, 3, 20]", e.Message);
        Assert.Contains("3D", e.Message);
    }

    public void Dispose() => _folder.Dispose();
}
