using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Graph.Optimization;

namespace MlNetGraviton.Runtime.Tests.Graviton.Optimization;

/// <summary>
/// The attention fusion on a hand-written Hugging Face attention block (hidden 32, 4 heads of 8, padded mask) and on
/// near-misses a line away from it: it fires on the pattern and its variants ORT's Attention can express (another
/// scale, Q and Kᵀ pre-scaled, the torch exporter's dynamic Reshape targets, GPT-2's causal Where), and leaves the
/// rest alone (extended mask read elsewhere, K with other heads than Q, an intermediate read twice, a causal buffer
/// that is not lower-triangular); with a non-constant weight only the core fuses, as MultiHeadAttention. Whatever fired, graviton matches ONNX Runtime on the
/// original; what fired is also written back and run on ONNX Runtime.
/// </summary>
public sealed class AttentionFusionSmallGraphTests : IDisposable
{
    private const int Hidden = 32, Heads = 4, HeadSize = 8, MaxPositions = 16;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private sealed record Block
    {
        public float Divisor { get; init; } = MathF.Sqrt(HeadSize);
        public bool PreScaled { get; init; }
        public bool DynamicShapes { get; init; }
        public bool Causal { get; init; }
        public bool UpperTriangle { get; init; }
        public bool MaskReadElsewhere { get; init; }
        public bool KeyWeightIsInput { get; init; }
        public int KeyHeads { get; init; } = Heads;
        public bool ScoresReadElsewhere { get; init; }
        public float Filter { get; init; } = -10000f;
        public bool SymbolicHidden { get; init; }
        public bool NoPaddingMask { get; init; }
    }

    /// <summary>One self-attention block as the exports write it; returns the graph with its outputs declared.</summary>
    private static SmallGraph Build(Block b)
    {
        var g = new SmallGraph(opset: 17);
        g.Input("x", "batch", "sequence", b.SymbolicHidden ? "hidden" : Hidden).Int64Input("attention_mask", "batch", "sequence");
        if (b.KeyWeightIsInput)
            g.Input("wk", Hidden, b.KeyHeads * HeadSize);

        string unsqueezed = g.Node("Unsqueeze", ["attention_mask", g.Constant("axes12", Tensor.Create(new long[] { 1, 2 }, 2))]);
        string asFloat = g.Node("Cast", [unsqueezed], attributes: SmallGraph.Int("to", 1));
        string inverted = g.Node("Sub", [g.Scalar("one", 1f), asFloat]);
        string mask = g.Node("Mul", [inverted, g.Scalar("filter", b.Filter)]);

        string Linear(string name, int width, int seed, string? weight = null) =>
            g.Node("Add", [g.Random(name + ".bias", seed + 1, width), g.Node("MatMul", ["x", weight ?? g.Random(name + ".weight", seed, Hidden, width)])]);
        string HeadsOf(string value, int heads, long[] perm)
        {
            string target = b.DynamicShapes ? DynamicTarget(g, value, heads, HeadSize) : g.Constant($"shape{heads}_{value}", Tensor.Create(new long[] { 0, 0, heads, HeadSize }, 4));
            return g.Node("Transpose", [g.Node("Reshape", [value, target])], attributes: SmallGraph.Ints("perm", perm));
        }

        string qh = HeadsOf(Linear("q", Hidden, 10), Heads, [0, 2, 1, 3]);
        string kt = HeadsOf(Linear("k", b.KeyHeads * HeadSize, 20, b.KeyWeightIsInput ? "wk" : null), b.KeyHeads, [0, 2, 3, 1]);
        string vh = HeadsOf(Linear("v", Hidden, 30), Heads, [0, 2, 1, 3]);
        string scores;
        if (b.PreScaled)
        {
            string quarter = g.Scalar("quarter", MathF.Pow(HeadSize, -0.25f));
            scores = g.Node("MatMul", [g.Node("Mul", [qh, quarter]), g.Node("Mul", [quarter, kt])]);
        }
        else
        {
            scores = g.Node("Div", [g.Node("MatMul", [qh, kt]), g.Scalar("divisor", b.Divisor)]);
        }
        if (b.Causal)
        {
            var lower = new bool[MaxPositions * MaxPositions];
            for (int r = 0; r < MaxPositions; r++)
                for (int c = 0; c < MaxPositions; c++)
                    lower[r * MaxPositions + c] = b.UpperTriangle ? c >= r : c <= r;
            string length = g.Node("Gather", [g.Node("Shape", ["attention_mask"]), g.Constant("one_index", Tensor.Create(new long[] { 1 }))]);
            string end = g.Node("Unsqueeze", [length, g.Constant("axis0", Tensor.Create(new long[] { 0 }, 1))]);
            string causal = g.Node("Slice", [g.Constant("tril", Tensor.Create(lower, 1, 1, MaxPositions, MaxPositions)),
                g.Constant("starts", Tensor.Create(new long[] { 0, 0 }, 2)), g.Node("Concat", [end, end], attributes: SmallGraph.Int("axis", 0)),
                g.Constant("axes23", Tensor.Create(new long[] { 2, 3 }, 2))]);
            scores = g.Node("Where", [causal, scores, g.Scalar("lowest", float.MinValue)]);
        }
        if (b.ScoresReadElsewhere)
            g.Output(scores);
        string probabilities = g.Node("Softmax", [b.NoPaddingMask ? scores : g.Node("Add", [scores, mask])], attributes: SmallGraph.Int("axis", -1));
        string context = g.Node("Transpose", [g.Node("MatMul", [probabilities, vh])], attributes: SmallGraph.Ints("perm", 0, 2, 1, 3));
        string merged = b.DynamicShapes ? DynamicTarget(g, context, Hidden) : g.Constant("merged", Tensor.Create(new long[] { 0, 0, Hidden }, 3));
        g.Output(g.Node("Reshape", [context, merged], output: "y"));
        if (b.MaskReadElsewhere)
            g.Output(g.Node("Neg", [mask], output: "mask_elsewhere"));
        return g;
    }

    /// <summary>The torch exporter's target: Concat(Unsqueeze(Gather(Shape(v), 0)), Unsqueeze(Gather(Shape(v), 1)), sizes...).</summary>
    private static string DynamicTarget(SmallGraph g, string value, params long[] sizes)
    {
        var pieces = new List<string>();
        for (long axis = 0; axis < 2; axis++)
        {
            string dim = g.Node("Gather", [g.Node("Shape", [value]), g.Constant($"at{axis}_{value}", Tensor.Create(new[] { axis }))]);
            pieces.Add(g.Node("Unsqueeze", [dim, g.Constant($"u{axis}_{value}", Tensor.Create(new long[] { 0 }, 1))]));
        }
        pieces.Add(g.Constant($"sizes_{value}", Tensor.Create(sizes, sizes.Length)));
        return g.Node("Concat", [.. pieces], attributes: SmallGraph.Int("axis", 0));
    }

    /// <summary>Row 0 full, row 1 right padded; x large enough that attention is far from uniform.</summary>
    private static Dictionary<string, Tensor> Feeds(Block b, int sequence = 6)
    {
        var mask = new long[2 * sequence];
        for (int t = 0; t < sequence; t++)
        {
            mask[t] = 1;
            mask[sequence + t] = t < sequence - 2 ? 1 : 0;
        }
        var feeds = new Dictionary<string, Tensor>
        {
            ["x"] = Tensor.Create(RandomTensors.Floats(2 * sequence * Hidden, 5, 3f), 2, sequence, Hidden),
            ["attention_mask"] = Tensor.Create(mask, 2, sequence),
        };
        if (b.KeyWeightIsInput)
            feeds["wk"] = Tensor.Create(RandomTensors.Floats(Hidden * b.KeyHeads * HeadSize, 6), Hidden, b.KeyHeads * HeadSize);
        return feeds;
    }

    /// <summary>Optimizes; graviton with every pass must match ORT on the original, and ORT on the rewrite must too.</summary>
    private OptimizationResult Check(Block b)
    {
        string path = Build(b).Save(_folder);
        OptimizationResult result = Optimized.Of(path, AttentionFusionTransformerTests.OrtRunnable);
        Dictionary<string, Tensor> feeds = Feeds(b);
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(path, feeds);
        Optimized.AllParity(expected, Optimized.RunOnOrt(result.Graph, _folder, feeds), "ORT on the rewritten graph");
        using var session = new GravitonSession(path, threads: 2);
        Optimized.AllParity(expected, session.Run(feeds), "graviton");
        return result;
    }

    private static GraphNode AttentionNode(OptimizationResult r) => Assert.Single(r.Graph.Nodes, n => n.OpType == "Attention");

    [Fact]
    public void Hugging_face_attention_becomes_one_node()
    {
        OptimizationResult r = Check(new Block());
        Assert.Equal(1, r.CountOf(PassNames.Attention));
        GraphNode node = AttentionNode(r);
        Assert.Equal(Heads, node.Attributes.GetInt("num_heads", 0));
        Assert.Equal(-10000f, node.Attributes.GetFloat("mask_filter_value", 0f));
        Assert.False(node.Attributes.Has("scale"));
        Assert.False(node.Attributes.Has("unidirectional"));
        // What is left: the attention node and the int32 cast of the mask.
        Assert.Equal(["Attention", "Cast"], r.Graph.Nodes.Select(n => n.OpType).Order());
    }

    [Fact]
    public void Dynamic_reshape_targets_of_the_torch_exporter_fuse_and_their_shape_nodes_go_too()
    {
        OptimizationResult r = Check(new Block { DynamicShapes = true });
        Assert.Equal(1, r.CountOf(PassNames.Attention));
        Assert.Equal(["Attention", "Cast"], r.Graph.Nodes.Select(n => n.OpType).Order());
    }

    [Fact]
    public void Another_scale_is_carried_as_the_scale_attribute()
    {
        OptimizationResult r = Check(new Block { Divisor = 3f });
        Assert.Equal(1f / 3f, AttentionNode(r).Attributes.GetFloat("scale", 0f), 6);
    }

    [Fact]
    public void Pre_scaled_q_and_k_fuse_with_the_product_of_their_scales()
    {
        OptimizationResult r = Check(new Block { PreScaled = true });
        Assert.Equal(1, r.CountOf(PassNames.Attention));
        // d^-1/4 · d^-1/4 = 1/√d, ORT's default: no attribute (within float rounding).
        Assert.InRange(AttentionNode(r).Attributes.GetFloat("scale", 1f / MathF.Sqrt(HeadSize)), 0.3535533f * 0.99999f, 0.3535534f * 1.00001f);
    }

    [Fact]
    public void Causal_where_becomes_unidirectional()
    {
        OptimizationResult r = Check(new Block { Causal = true, Filter = float.MinValue });
        GraphNode node = AttentionNode(r);
        Assert.Equal(1, node.Attributes.GetInt("unidirectional", 0));
        Assert.Equal(float.MinValue, node.Attributes.GetFloat("mask_filter_value", 0f));
    }

    [Fact]
    public void Causal_multi_head_attention_without_padding_is_onnx_runtimes_op()
    {
        OptimizationResult r = Check(new Block { Causal = true, KeyWeightIsInput = true, Filter = float.MinValue, NoPaddingMask = true });
        GraphNode node = Assert.Single(r.Graph.Nodes, n => n.OpType == "MultiHeadAttention");
        Assert.Equal("com.microsoft", node.Domain);
        Assert.Equal(1, node.Attributes.GetInt("unidirectional", 0));
        Assert.Equal(3, node.Inputs.Length);
    }

    [Fact]
    public void Causal_multi_head_attention_with_padding_equals_the_original_graph_at_left_padded_rows_too()
    {
        // Row 1 is left padded: its first two queries see only masked keys. The original Where/Add graph spreads them over
        // every key at the fill value; the optimizer's own form does the same, so the outputs match everywhere.
        var b = new Block { Causal = true, KeyWeightIsInput = true, Filter = float.MinValue };
        string path = Build(b).Save(_folder);
        OptimizationResult r = Optimized.Of(path, AttentionFusionTransformerTests.OrtRunnable);
        GraphNode node = Assert.Single(r.Graph.Nodes, n => n.OpType == "MultiHeadAttention");
        Assert.Equal("ai.mlnetgraviton", node.Domain);
        Assert.Equal(float.MinValue, node.Attributes.GetFloat("decomposed_causal_fill", 0f));
        Dictionary<string, Tensor> feeds = Feeds(b);
        long[] mask = feeds["attention_mask"].AsSpan<long>().ToArray();
        int sequence = mask.Length / 2;
        for (int t = 0; t < sequence; t++)
            mask[sequence + t] = t < 2 ? 0 : 1;
        feeds["attention_mask"] = Tensor.Create(mask, 2, sequence);
        using var session = new GravitonSession(path, threads: 2);
        Optimized.AllParity(OrtReference.Run(path, feeds), session.Run(feeds), "graviton, left padded");
    }

    [Fact]
    public void Causal_attention_without_a_padding_mask_fuses_without_mask_index()
    {
        OptimizationResult r = Check(new Block { Causal = true, NoPaddingMask = true });
        GraphNode node = AttentionNode(r);
        Assert.Equal(1, node.Attributes.GetInt("unidirectional", 0));
        Assert.Equal(3, node.Inputs.Length);
        Assert.False(node.Attributes.Has("mask_filter_value"));
        Assert.Equal(["Attention"], r.Graph.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void Causal_buffer_that_is_not_lower_triangular_does_not_fuse()
    {
        Assert.Equal(0, Check(new Block { Causal = true, UpperTriangle = true }).CountOf(PassNames.Attention));
    }

    [Fact]
    public void Extended_mask_read_elsewhere_does_not_fuse()
    {
        Assert.Equal(0, Check(new Block { MaskReadElsewhere = true }).CountOf(PassNames.Attention));
    }

    [Fact]
    public void Non_constant_weight_fuses_only_the_attention_core_as_multi_head_attention()
    {
        OptimizationResult r = Check(new Block { KeyWeightIsInput = true });
        Assert.Equal(0, r.CountOf(PassNames.Attention));
        Assert.Equal(1, r.CountOf(PassNames.MultiHeadAttention));
        GraphNode node = Assert.Single(r.Graph.Nodes, n => n.OpType == "MultiHeadAttention");
        Assert.Equal(Heads, node.Attributes.GetInt("num_heads", 0));
        Assert.Equal(5, node.Inputs.Length); // query, key, value, no bias, key_padding_mask
        Assert.Equal(3, r.Graph.Nodes.Count(n => n.OpType == "MatMul")); // the projections stay
    }

    [Fact]
    public void Key_with_other_heads_than_query_does_not_fuse()
    {
        // One K head broadcast over four Q heads (multi-query attention): valid, but not ORT's Attention.
        Assert.Equal(0, Check(new Block { KeyHeads = 1 }).CountOf(PassNames.Attention));
    }

    [Fact]
    public void Scores_read_outside_the_pattern_do_not_fuse()
    {
        Assert.Equal(0, Check(new Block { ScoresReadElsewhere = true }).CountOf(PassNames.Attention));
    }

    [Fact]
    public void Fused_attention_names_node_and_input_when_a_run_feeds_the_wrong_hidden_size()
    {
        // The file leaves the hidden size symbolic, so only the fused node can notice the mismatch.
        string path = Build(new Block { SymbolicHidden = true }).Save(_folder);
        using var session = new GravitonSession(path, threads: 1);
        Assert.Contains("1 attention", session.Description);
        var feeds = new Dictionary<string, Tensor>
        {
            ["x"] = Tensor.Create(new float[2 * 3 * 16], 2, 3, 16),
            ["attention_mask"] = Tensor.Create(new long[6], 2, 3),
        };
        Exception e = Assert.ThrowsAny<Exception>(() => session.Run(feeds));
        foreach (string part in new[] { "fused_attention", "(Attention)", "input", "[2, 3, 16]", "hidden size 16", "32" })
            Assert.Contains(part, e.Message);
    }
}
