using Google.Protobuf;
using MlNetGraviton.Models;
using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Graph.Optimization;
using Onnx;

namespace MlNetGraviton.Runtime.Tests.Graviton.Optimization;

/// <summary>
/// The attention fusion on the src/Models graphs: one com.microsoft Attention per layer (heads from the config, causal
/// for GPT-2, the padding mask as a raw int32 mask_index). Checked independently: the rewritten graph, written back to
/// ONNX (without the GEMM fusion, whose node only graviton runs), runs on ONNX Runtime like the original; then the
/// graviton session with every pass matches ONNX Runtime on the original. Mutating the fused nodes (mask, causal flag,
/// scale, head count) must break that parity, so the comparison is known to see them.
/// </summary>
public sealed class AttentionFusionTransformerTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>, IDisposable
{
    /// <summary>Everything ONNX Runtime can run: our MatMulEpilogue is the only fused node it does not know.</summary>
    internal static readonly GraphOptimizerOptions OrtRunnable = GraphOptimizerOptions.Default.Without(PassNames.Gemm);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<TransformerArchitecture, bool> Graphs() => TransformerFusionTests.Graphs();

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Every_layer_becomes_one_attention_node(TransformerArchitecture arch, bool strong)
    {
        var (config, path) = models.Get(arch, strong);
        OptimizationResult result = Optimized.Of(path);
        bool gpt2 = arch == TransformerArchitecture.Gpt2;
        Assert.Equal(config.Layers, result.CountOf(PassNames.Attention));
        GraphNode[] attention = result.Graph.Nodes.Where(n => n.OpType == "Attention" && n.Domain == "com.microsoft").ToArray();
        Assert.Equal(config.Layers, attention.Length);
        foreach (GraphNode node in attention)
        {
            Assert.Equal(config.Heads, node.Attributes.GetInt("num_heads", 0));
            Assert.Equal(gpt2 ? 1 : 0, node.Attributes.GetInt("unidirectional", 0));
            Assert.Equal(float.MinValue, node.Attributes.GetFloat("mask_filter_value", 0f));
            Assert.False(node.Attributes.Has("scale")); // the exports divide by √D, ORT's default
            Tensor weight = result.Graph.Constants[node.Inputs[1]], bias = result.Graph.Constants[node.Inputs[2]];
            Assert.Equal(new long[] { config.Hidden, 3L * config.Hidden }, weight.Shape);
            Assert.Equal(new long[] { 3L * config.Hidden }, bias.Shape);
        }
        // All layers share one int32 cast of attention_mask; nothing of the decomposed attention is left.
        Assert.Single(attention.Select(n => n.Inputs[3]).Distinct());
        foreach (string op in new[] { "Softmax", "Transpose", "Reshape", "Where", "Split", "Div" })
            Assert.Equal(0, Optimized.Count(result.Graph, op));
        Assert.Equal(0, Optimized.Count(result.Graph, "MatMul"));
        // Q, K and V (or c_attn) went into the attention nodes: the GEMM fusion sees the rest only.
        int plainLinears = gpt2 ? 2 * config.Layers : 2 * config.Layers + (config.NumLabels > 0 ? 2 : 0);
        Assert.Equal(plainLinears, result.CountOf(PassNames.Gemm));
    }

    [Fact]
    public void Bert_qkv_weight_is_the_three_projections_side_by_side()
    {
        var (config, path) = models.Get(TransformerArchitecture.Bert, strong: true);
        OnnxGraph loaded = OnnxGraphLoader.Load(path);
        OptimizationResult result = Optimized.Of(path);
        GraphNode first = result.Graph.Nodes.First(n => n.OpType == "Attention");
        Tensor weight = result.Graph.Constants[first.Inputs[1]], bias = result.Graph.Constants[first.Inputs[2]];
        int h = config.Hidden;
        string[] parts = ["query", "key", "value"];
        for (int p = 0; p < 3; p++)
        {
            Tensor w = loaded.Constants[$"encoder.layer.0.attention.self.{parts[p]}.weight"], b = loaded.Constants[$"encoder.layer.0.attention.self.{parts[p]}.bias"];
            for (int r = 0; r < h; r += 7)
                for (int c = 0; c < h; c += 5)
                    Assert.Equal(w.AsSpan<float>()[r * h + c], weight.AsSpan<float>()[r * 3 * h + p * h + c]);
            Assert.True(b.AsSpan<float>().SequenceEqual(bias.AsSpan<float>().Slice(p * h, h)), parts[p]);
        }
    }

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Fused_graph_runs_on_onnx_runtime_like_the_original(TransformerArchitecture arch, bool strong)
    {
        var (config, path) = models.Get(arch, strong);
        OptimizationResult result = Optimized.Of(path, OrtRunnable);
        Assert.Equal(config.Layers, result.CountOf(PassNames.Attention));
        string written = Write(OnnxGraphWriter.Write(result.Graph));
        foreach (var (batch, sequence) in new[] { (1, 7), (3, 9), (3, 1) })
        {
            Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, batch, sequence, seed: 31 * batch + sequence);
            Optimized.TransformerParity(arch, OrtReference.Run(path, inputs), OrtReference.Run(written, inputs), inputs, $"ORT on fused {config.Name} b{batch} s{sequence}");
        }
    }

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Graviton_with_every_pass_matches_onnx_runtime_on_the_original(TransformerArchitecture arch, bool strong)
    {
        var (config, path) = models.Get(arch, strong);
        using var session = new GravitonSession(path, threads: 2);
        Assert.Contains($"{config.Layers} attention", session.Description);
        foreach (var (batch, sequence) in new[] { (1, 7), (3, 9), (3, 33) })
        {
            Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, batch, sequence, seed: 7 * batch + sequence);
            Optimized.TransformerParity(arch, OrtReference.Run(path, inputs), session.Run(inputs), inputs, $"graviton {config.Name} b{batch} s{sequence}");
        }
    }

    public static TheoryData<TransformerArchitecture, string> Mutations() => new()
    {
        { TransformerArchitecture.Bert, "mask" },
        { TransformerArchitecture.Bert, "scale" },
        { TransformerArchitecture.Bert, "heads" },
        { TransformerArchitecture.Roberta, "mask" },
        { TransformerArchitecture.Gpt2, "causal" },
        { TransformerArchitecture.Gpt2, "mask" },
        { TransformerArchitecture.Gpt2, "heads" },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void A_mutated_attention_node_breaks_parity(TransformerArchitecture arch, string mutation)
    {
        var (config, path) = models.Get(arch, strong: true);
        ModelProto model = OnnxGraphWriter.Write(Optimized.Of(path, OrtRunnable).Graph);
        foreach (NodeProto node in model.Graph.Node.Where(n => n.OpType == "Attention"))
        {
            switch (mutation)
            {
                case "mask":
                    node.Input.RemoveAt(3);
                    break;
                case "causal":
                    node.Attribute.Remove(node.Attribute.Single(a => a.Name == "unidirectional"));
                    break;
                case "scale":
                    node.Attribute.Add(new AttributeProto { Name = "scale", Type = AttributeProto.Types.AttributeType.Float, F = 1f / config.HeadDim });
                    break;
                case "heads":
                    node.Attribute.Single(a => a.Name == "num_heads").I = config.Heads / 2;
                    break;
            }
        }
        string written = Write(model);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, 3, 9, seed: 3);
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(path, inputs), actual = OrtReference.Run(written, inputs);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Optimized.TransformerParity(arch, expected, actual, inputs, mutation));
    }

    private string Write(ModelProto model)
    {
        string path = _folder.File($"fused-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }
}
