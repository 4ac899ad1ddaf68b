namespace MlNetGraviton.Runtime.Tests.Graviton.Contrib;

/// <summary>
/// One-node com.microsoft graphs for every contrib op and each form the graviton engine supports: batch &gt; 1,
/// sequence 1, masks with left and right padding, causal attention, optional inputs present and absent.
/// </summary>
internal static class ContribCases
{
    public const string Ms = "com.microsoft";
    private const TensorElementType F32 = TensorElementType.Float32;

    public static OneNodeModel Op(string opType) => new(opType, opset: 17, domain: Ms);

    public static Tensor F(float scale, params long[] shape) => OpCases.Floats(shape, scale);

    public static Tensor I32(int[] values, params long[] shape) => Tensor.Create(values, shape);

    /// <summary>Attention on [batch, sequence, hidden] with hidden = 4·heads... weights scaled so scores are far from uniform.</summary>
    public static OneNodeModel Attention(
        int batch, int sequence, int hidden, int heads, Tensor? mask = null, bool unidirectional = false, long[]? qkvSizes = null,
        bool bias = true, bool constantWeights = true, float? scale = null, float? filter = null, Tensor? biasValue = null)
    {
        long width = qkvSizes?.Sum() ?? 3L * hidden;
        OneNodeModel m = Op("Attention").Input("input", F(1f, batch, sequence, hidden));
        Tensor weights = F(0.6f, hidden, width);
        m = constantWeights ? m.Constant("weights", weights) : m.Input("weights", weights);
        m = bias ? m.Constant("bias", biasValue ?? F(0.5f, width)) : m.Skip();
        if (mask is not null)
            m.Input("mask_index", mask);
        m.Attr("num_heads", (long)heads).Output("output", F32);
        if (unidirectional)
            m.Attr("unidirectional", 1L);
        if (qkvSizes is not null)
            m.Attr("qkv_hidden_sizes", qkvSizes);
        if (scale is { } s)
            m.Attr("scale", s);
        if (filter is { } f)
            m.Attr("mask_filter_value", f);
        return m;
    }

    /// <summary>A [batch, total] 0/1 mask: row 0 full, odd rows right padded, even rows left padded.</summary>
    public static int[] RawMask(int batch, int total)
    {
        var mask = new int[batch * total];
        for (int b = 0; b < batch; b++)
        {
            int padding = b == 0 ? 0 : Math.Min(total - 1, 1 + b % Math.Max(1, total - 1));
            for (int j = 0; j < total; j++)
                mask[b * total + j] = b % 2 == 1 ? (j < total - padding ? 1 : 0) : (j >= padding ? 1 : 0);
        }
        return mask;
    }

    /// <summary>
    /// Builds the case's file. Cases that wire SkipLayerNormalization's output 3 leave outputs 1 and 2 (mean,
    /// inv_std_var) unwired, as ORT's optimizer does: the node keeps empty names there and the graph does not list them.
    /// </summary>
    public static Onnx.ModelProto Build(OneNodeModel model)
    {
        Onnx.ModelProto proto = model.Build();
        Onnx.NodeProto node = proto.Graph.Node[0];
        for (int i = 1; i <= 2 && node.OpType == "SkipLayerNormalization" && i < node.Output.Count; i++)
        {
            string name = node.Output[i];
            node.Output[i] = "";
            Onnx.ValueInfoProto declared = proto.Graph.Output.First(o => o.Name == name);
            proto.Graph.Output.Remove(declared);
        }
        return proto;
    }

    public static Dictionary<string, Func<OneNodeModel>> All { get; } = new()
    {
        // Attention
        ["Attention no mask"] = () => Attention(2, 5, 16, 2),
        ["Attention sequence 1"] = () => Attention(3, 1, 16, 4, mask: I32([1, 1, 1], 3, 1)),
        ["Attention key ends [B]"] = () => Attention(3, 7, 16, 2, mask: I32([7, 4, 1], 3)),
        ["Attention key ranges [2B]"] = () => Attention(3, 7, 16, 2, mask: I32([7, 5, 6, 0, 2, 3], 6)),
        ["Attention raw mask [B, T]"] = () => Attention(4, 9, 24, 3, mask: I32(RawMask(4, 9), 4, 9)),
        ["Attention raw mask [B, S, T]"] = () => Attention(2, 6, 16, 2, mask: I32(Enumerable.Range(0, 72).Select(i => i % 5 == 3 ? 0 : 1).ToArray(), 2, 6, 6)),
        ["Attention causal"] = () => Attention(2, 8, 16, 4, unidirectional: true),
        ["Attention causal with padding"] = () => Attention(3, 8, 16, 2, mask: I32(RawMask(3, 8), 3, 8), unidirectional: true),
        ["Attention causal sequence 1"] = () => Attention(2, 1, 16, 2, unidirectional: true),
        ["Attention qkv_hidden_sizes"] = () => Attention(2, 6, 16, 4, mask: I32(RawMask(2, 6), 2, 6), qkvSizes: [16, 16, 24]),
        ["Attention scale and filter"] = () => Attention(2, 6, 16, 2, mask: I32(RawMask(2, 6), 2, 6), scale: 0.3f, filter: -500f),
        ["Attention runtime weights"] = () => Attention(2, 5, 16, 2, mask: I32([5, 3], 2), constantWeights: false),
        ["Attention long sequence"] = () => Attention(1, 70, 64, 2, mask: I32(RawMask(1, 70), 1, 70)),
        ["Attention causal long sequence with padding"] = () => Attention(2, 150, 32, 2, mask: I32(RawMask(2, 150), 2, 150), unidirectional: true),
        // SkipLayerNormalization
        ["SkipLayerNorm full"] = () => Op("SkipLayerNormalization").Input("input", F(2f, 2, 5, 24)).Input("skip", F(2f, 2, 5, 24))
            .Constant("gamma", F(1f, 24)).Constant("beta", F(1f, 24)).Constant("bias", F(1f, 24)).Attr("epsilon", 1e-5f)
            .Output("output", F32).Output("mean", F32).Output("inv_std_var", F32).Output("sum", F32),
        ["SkipLayerNorm no beta no bias"] = () => Op("SkipLayerNormalization").Input("input", F(2f, 3, 4, 40)).Input("skip", F(2f, 3, 4, 40))
            .Constant("gamma", F(1f, 40)).Attr("epsilon", 1e-12f).Output("output", F32),
        ["SkipLayerNorm skip [S, H]"] = () => Op("SkipLayerNormalization").Input("input", F(2f, 3, 4, 16)).Input("skip", F(2f, 4, 16))
            .Constant("gamma", F(1f, 16)).Constant("beta", F(1f, 16)).Attr("epsilon", 1e-5f).Output("output", F32),
        ["SkipLayerNorm skip [1, S, H]"] = () => Op("SkipLayerNormalization").Input("input", F(2f, 2, 3, 16)).Input("skip", F(2f, 1, 3, 16))
            .Constant("gamma", F(1f, 16)).Skip().Constant("bias", F(1f, 16)).Attr("epsilon", 1e-5f).Output("output", F32),
        ["SkipLayerNorm 2-D large"] = () => Op("SkipLayerNormalization").Input("input", F(5f, 300, 128)).Input("skip", F(5f, 300, 128))
            .Constant("gamma", F(1f, 128)).Constant("beta", F(1f, 128)).Attr("epsilon", 1e-5f).Output("output", F32).Output("mean", F32).Output("inv_std_var", F32).Output("sum", F32),
        ["SkipSimplifiedLayerNorm"] = () => Op("SkipSimplifiedLayerNormalization").Input("input", F(2f, 2, 5, 24)).Input("skip", F(2f, 2, 5, 24))
            .Constant("gamma", F(1f, 24)).Constant("bias", F(1f, 24)).Attr("epsilon", 1e-6f).Output("output", F32),
        // EmbedLayerNormalization (int32 ids; mask_index = count of ones per row)
        ["EmbedLayerNorm segments and mask"] = () => Op("EmbedLayerNormalization").Input("ids", I32(Enumerable.Range(0, 27).Select(i => (i * 7) % 50).ToArray(), 3, 9))
            .Input("segment_ids", I32(Enumerable.Range(0, 27).Select(i => i % 9 >= 4 ? 1 : 0).ToArray(), 3, 9))
            .Constant("word", F(1f, 50, 24)).Constant("position", F(1f, 16, 24)).Constant("segment", F(1f, 2, 24))
            .Constant("gamma", F(1f, 24)).Constant("beta", F(1f, 24)).Input("mask", I32(RawMask(3, 9), 3, 9)).Attr("epsilon", 1e-5f)
            .Output("output", F32).Output("mask_index", TensorElementType.Int32).Output("embedding_sum", F32),
        ["EmbedLayerNorm no segment, position ids"] = () => Op("EmbedLayerNormalization").Input("ids", I32([3, 1, 4, 1, 5, 9, 2, 6], 2, 4)).Skip()
            .Constant("word", F(1f, 10, 16)).Constant("position", F(1f, 8, 16)).Skip()
            .Constant("gamma", F(1f, 16)).Constant("beta", F(1f, 16)).Skip().Input("position_ids", I32([7, 2, 0, 5], 1, 4)).Attr("epsilon", 1e-12f)
            .Output("output", F32).Output("mask_index", TensorElementType.Int32),
        // ORT's own default-domain LayerNormalization below opset 17 (written by its LayerNormFusion)
        ["LayerNormalization opset 13"] = () => new OneNodeModel("LayerNormalization", opset: 13).Input("x", F(3f, 2, 5, 24))
            .Constant("scale", F(1f, 24)).Constant("bias", F(1f, 24)).Attr("epsilon", 1e-5f).Output("y", F32),
        // GELU family: inputs up to ±8 cover both tails
        ["Gelu"] = () => Op("Gelu").Input("x", F(8f, 3, 7, 19)).Output("y", F32),
        ["BiasGelu"] = () => Op("BiasGelu").Input("x", F(8f, 2, 5, 40)).Constant("bias", F(1f, 40)).Output("y", F32),
        ["BiasGelu large"] = () => Op("BiasGelu").Input("x", F(8f, 256, 300)).Constant("bias", F(1f, 300)).Output("y", F32),
        ["FastGelu with bias"] = () => Op("FastGelu").Input("x", F(8f, 2, 5, 33)).Constant("bias", F(1f, 33)).Output("y", F32),
        ["FastGelu no bias"] = () => Op("FastGelu").Input("x", F(8f, 4, 17)).Output("y", F32),
        ["QuickGelu"] = () => Op("QuickGelu").Input("x", F(8f, 3, 21)).Attr("alpha", 1.5f).Output("y", F32),
        // FusedMatMul
        ["FusedMatMul batched"] = () => Op("FusedMatMul").Input("a", F(1f, 2, 3, 5, 8)).Input("b", F(1f, 2, 3, 8, 6)).Attr("alpha", 0.25f).Output("y", F32),
        ["FusedMatMul transB"] = () => Op("FusedMatMul").Input("a", F(1f, 2, 5, 8)).Input("b", F(1f, 2, 6, 8)).Attr("transB", 1L).Output("y", F32),
        ["FusedMatMul transA"] = () => Op("FusedMatMul").Input("a", F(1f, 2, 8, 5)).Input("b", F(1f, 2, 8, 6)).Attr("transA", 1L).Attr("alpha", 2f).Output("y", F32),
        ["FusedMatMul broadcast batch"] = () => Op("FusedMatMul").Input("a", F(1f, 3, 1, 4, 7)).Input("b", F(1f, 2, 7, 5)).Attr("alpha", 0.5f).Output("y", F32),
        ["FusedMatMul constant B"] = () => Op("FusedMatMul").Input("a", F(1f, 2, 9, 20)).Constant("b", F(1f, 20, 12)).Attr("alpha", 0.125f).Output("y", F32),
        ["FusedMatMul constant transB"] = () => Op("FusedMatMul").Input("a", F(1f, 9, 20)).Constant("b", F(1f, 12, 20)).Attr("transB", 1L).Output("y", F32),
        // FusedGemm
        ["FusedGemm Tanh bias"] = () => Op("FusedGemm").Input("a", F(1f, 3, 16)).Constant("b", F(1f, 16, 10)).Constant("c", F(1f, 10))
            .Attr("activation", "Tanh").Output("y", F32),
        ["FusedGemm Relu runtime C"] = () => Op("FusedGemm").Input("a", F(1f, 4, 16)).Constant("b", F(1f, 10, 16)).Input("c", F(1f, 4, 10))
            .Attr("transB", 1L).Attr("beta", 0.5f).Attr("activation", "Relu").Output("y", F32),
        ["FusedGemm LeakyRelu"] = () => Op("FusedGemm").Input("a", F(1f, 16, 4)).Input("b", F(1f, 16, 10)).Attr("transA", 1L)
            .Attr("alpha", 0.7f).Attr("activation", "LeakyRelu").Attr("activation_alpha", 0.2f).Output("y", F32),
        ["FusedGemm Sigmoid"] = () => Op("FusedGemm").Input("a", F(1f, 5, 16)).Constant("b", F(1f, 16, 10)).Constant("c", F(1f, 1, 10))
            .Attr("activation", "Sigmoid").Output("y", F32),
    };
}
