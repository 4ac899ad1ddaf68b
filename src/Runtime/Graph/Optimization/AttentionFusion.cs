using MlNetGraviton.Runtime.Ops.Contrib;
using MlNetGraviton.Runtime.Ops.Fused;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// Hugging Face self-attention → one com.microsoft Attention per layer (ORT's contrib contract: input [B, S, in],
/// weights [in, 3·W], bias [3·W], mask_index, num_heads, unidirectional, scale, mask_filter_value). The subgraph:
/// Q, K, V projections of one input (<see cref="QkvProjection"/>), head split (<see cref="HeadReshape"/>), Q·Kᵀ, a scale
/// (Div or Mul of the scores, or of Q / Kᵀ before the product), GPT-2's causal Where, the extended padding mask
/// (<see cref="AttentionMaskPattern"/>), Softmax over the last axis, ·V and the head merge. The padding mask becomes
/// mask_index = the 2-D attention_mask input as int32, shared by every layer.
/// Fires only when every intermediate is read inside the pattern alone (Shape nodes of the export's dynamic Reshape
/// targets included), the extended mask feeds fused layers only, and heads and widths agree.
/// Where Q, K and V are not float Linears of one input (an int8 graph's projections are quantized MatMuls; a weight may
/// be a graph input), the same subgraph from Q, K and V on becomes com.microsoft MultiHeadAttention(query, key, value,
/// key_padding_mask) instead, so the projections stay as they are and only the attention core is fused.
/// </summary>
internal sealed class AttentionFusion : IGraphPass
{
    private const string OpType = "Attention";
    private const string MultiHeadOpType = "MultiHeadAttention";
    private const long Int32Type = 6;

    public string Name => PassNames.Attention;

    private sealed record Match(
        GraphNode Softmax, QkvProjection? Projection, QuantizedQkvProjection? Quantized, (string Q, string K, string V) Sources, HeadReshape Merge, float Scale, float? CausalFill,
        AttentionMaskPattern.Padding? Padding, string? Additive, GraphNode? MaskAdd, HashSet<GraphNode> Nodes);

    public void Run(WorkingGraph graph, OptimizerContext context)
    {
        if (!context.HasKernel(ContribOps.Domain, OpType, 1))
            return;
        ValueIndex index = graph.Index();
        Dictionary<string, SymbolicShape> shapes = FusedShapes.Infer(graph);
        var matches = new List<Match>();
        // int8 graphs: Q, K and V as one quantized GEMM, read in place by the optimizer's packed MultiHeadAttention.
        bool mergeQuantized = context.HasKernel(FusedOps.Domain, QuantizedQkvProjection.OpType, FusedOps.Version)
            && context.HasKernel(FusedOps.Domain, MultiHeadOpType, FusedOps.Version)
            && !context.Options.Disabled.Contains(PassNames.QuantizedQkv);
        foreach (GraphNode softmax in graph.Nodes)
            if (softmax is { Domain: "", OpType: "Softmax" } && Find(softmax, graph, index, shapes, mergeQuantized) is { } match)
                matches.Add(match);

        // An extended mask is shared by the layers; it goes only when every reader of it is a layer fused here.
        foreach (var group in matches.Where(m => m.Additive is not null).GroupBy(m => m.Additive!).ToList())
        {
            var adds = group.Select(m => m.MaskAdd!).ToHashSet();
            if (graph.IsGraphOutput(group.Key) || !index.Consumers(group.Key).All(adds.Contains))
                matches.RemoveAll(m => m.Additive == group.Key);
        }
        var removed = new HashSet<GraphNode>();
        var added = new List<GraphNode>();
        var maskIndexOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in matches)
        {
            if (m.Nodes.Overlaps(removed))
                continue;
            removed.UnionWith(m.Nodes);
            string maskIndex = "";
            if (m.Padding is { } padding)
            {
                removed.UnionWith(padding.Nodes);
                if (!maskIndexOf.TryGetValue(padding.AttentionMask, out maskIndex!))
                    maskIndexOf[padding.AttentionMask] = maskIndex = MaskIndex(padding.AttentionMask, graph, added);
            }
            added.AddRange(AttentionNodes(m, maskIndex, graph));
            context.Count(m.Projection is null ? PassNames.MultiHeadAttention : Name);
            if (m.Quantized is not null)
                context.Count(PassNames.QuantizedQkv);
        }
        if (added.Count == 0)
            return;
        graph.Import(ContribOps.Domain, 1);
        if (added.Any(n => n.Domain == FusedOps.Domain))
            graph.Import(FusedOps.Domain, FusedOps.Version);
        graph.Replace(removed, added);
    }

    private static Match? Find(GraphNode softmax, WorkingGraph graph, ValueIndex index, Dictionary<string, SymbolicShape> shapes, bool mergeQuantized)
    {
        long axis = softmax.Attributes.GetInt("axis", graph.OpsetOf("") >= 13 ? -1 : 1);
        if (axis is not (-1 or 3) || !index.SingleUse(softmax.Outputs[0])
            || index.Consumers(softmax.Outputs[0])[0] is not { Domain: "", OpType: "MatMul" } weighted || weighted.Inputs[0] != softmax.Outputs[0])
            return null;
        var nodes = new HashSet<GraphNode> { softmax, weighted };
        string scores = softmax.Inputs[0];

        AttentionMaskPattern.Padding? padding = null;
        string? additive = null;
        GraphNode? maskAdd = index.ProducerIs(scores, "Add");
        if (maskAdd is { Inputs.Length: 2 })
        {
            for (int side = 0; side < 2 && padding is null; side++)
                if (AttentionMaskPattern.FindPadding(maskAdd.Inputs[side], graph, index) is { } p)
                    (padding, additive, scores) = (p, maskAdd.Inputs[side], maskAdd.Inputs[1 - side]);
            if (padding is null)
                return null;
            nodes.Add(maskAdd);
        }
        GraphNode? where = index.ProducerIs(scores, "Where");
        if (where is not null)
        {
            scores = where.Inputs[1];
            nodes.Add(where);
        }
        float scale = 1f;
        Scaling? scoreScale = Scaled(scores, graph, index);
        if (scoreScale is not null)
        {
            (scores, scale) = (scoreScale.Input, scoreScale.Factor);
            nodes.Add(scoreScale.Node);
        }
        if (index.ProducerIs(scores, "MatMul") is not { Inputs.Length: 2 } product)
            return null;
        nodes.Add(product);
        string qh = product.Inputs[0], kt = product.Inputs[1];
        foreach (string side in new[] { qh, kt })
            if (Scaled(side, graph, index) is { } pre)
            {
                scale *= pre.Factor;
                nodes.Add(pre.Node);
                if (side == qh) qh = pre.Input; else kt = pre.Input;
            }

        if (HeadReshape.Split(qh, HeadReshape.ToHeads, graph, index, shapes) is not { } q
            || HeadReshape.Split(kt, HeadReshape.ToHeadsTransposed, graph, index, shapes) is not { } k
            || HeadReshape.Split(weighted.Inputs[1], HeadReshape.ToHeads, graph, index, shapes) is not { } v
            || q.Heads != k.Heads || q.Heads != v.Heads || q.HeadSize != k.HeadSize || q.HeadSize != v.HeadSize
            || HeadReshape.Merge(weighted.Outputs[0], q.Heads, q.HeadSize, graph, index) is not { } merge
            || !float.IsFinite(scale) || scale == 0f)
            return null;
        QkvProjection? projection = QkvProjection.Find(q.Source, k.Source, v.Source, graph, index);
        if (projection is not null && projection.Width != q.Heads * q.HeadSize)
            return null;
        QuantizedQkvProjection? quantized = projection is null && mergeQuantized
            ? QuantizedQkvProjection.Find(q.Source, k.Source, v.Source, graph, index)
            : null;
        if (quantized is not null && quantized.Width != q.Heads * q.HeadSize)
            quantized = null;
        // The attention input: the projection's, or (multi-head form) Q itself, whose K and V must cover the same positions.
        if (!shapes.TryGetValue(projection?.Input ?? q.Source, out SymbolicShape? x) || x.Rank != 3
            || x.Dims[..2].Any(d => !d.IsFixed && d.Symbol is null))
            return null;
        if (projection is null && (!SamePositions(k.Source, x, shapes) || !SamePositions(v.Source, x, shapes)
                || x.Dims[2] is not { IsFixed: true } width || width.Value != q.Heads * q.HeadSize))
            return null;
        if (where is not null && AttentionMaskPattern.FindCausal(where, graph, index, x.Dims[1], shapes) is null)
            return null;
        if (padding is not null && SymbolicShape.Of(graph.Inputs.First(i => i.Name == padding.AttentionMask)) is var m
            && (m.Dims[0] != x.Dims[0] || m.Dims[1] != x.Dims[1]))
            return null;
        foreach (HeadReshape part in new[] { q, k, v, merge })
            nodes.UnionWith(part.Nodes);
        if (projection is not null)
            nodes.UnionWith(projection.Nodes);
        if (quantized is not null)
            nodes.UnionWith(quantized.Nodes);
        if (!ReadOnlyInside(nodes, [q, k, v, merge], merge.Source, graph, index))
            return null;
        float? causalFill = where is null ? null : graph.ConstantOf(where.Inputs[2])!.AsSpan<float>()[0];
        return new Match(softmax, projection, quantized, (q.Source, k.Source, v.Source), merge, scale, causalFill, padding, additive, maskAdd, nodes);
    }

    private static bool SamePositions(string value, SymbolicShape x, Dictionary<string, SymbolicShape> shapes) =>
        shapes.TryGetValue(value, out SymbolicShape? s) && s.Rank == 3 && s.Dims[0] == x.Dims[0] && s.Dims[1] == x.Dims[1];

    private sealed record Scaling(string Input, float Factor, GraphNode Node);

    /// <summary>Div(y, c) or Mul(y, c) / Mul(c, y) by a float scalar constant: y and the factor it multiplies by.</summary>
    private static Scaling? Scaled(string value, WorkingGraph graph, ValueIndex index)
    {
        if (index.Producer(value) is not { Domain: "", OpType: "Div" or "Mul", Inputs.Length: 2 } node)
            return null;
        static float? Scalar(Tensor? t) => t is { ElementType: TensorElementType.Float32, ElementCount: 1 } ? t.AsSpan<float>()[0] : null;
        if (node.OpType == "Div")
            return Scalar(graph.ConstantOf(node.Inputs[1])) is { } d && d != 0f ? new Scaling(node.Inputs[0], 1f / d, node) : null;
        if (Scalar(graph.ConstantOf(node.Inputs[1])) is { } right)
            return new Scaling(node.Inputs[0], right, node);
        return Scalar(graph.ConstantOf(node.Inputs[0])) is { } left ? new Scaling(node.Inputs[1], left, node) : null;
    }

    /// <summary>
    /// Every value the pattern computes, except its final output, is read only by the pattern, including the Shape →
    /// Gather → Unsqueeze → Concat pieces of dynamic Reshape targets that read pattern values (those go with it).
    /// </summary>
    private static bool ReadOnlyInside(HashSet<GraphNode> nodes, HeadReshape[] reshapes, string output, WorkingGraph graph, ValueIndex index)
    {
        var shapeNodes = reshapes.SelectMany(r => r.ShapeNodes).ToHashSet();
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (GraphNode n in shapeNodes)
                if (!nodes.Contains(n) && n.Inputs.Any(i => index.Producer(i) is { } p && nodes.Contains(p)))
                    grew |= nodes.Add(n);
        }
        foreach (GraphNode n in nodes)
            foreach (string o in n.Outputs)
                if (o.Length > 0 && o != output && (graph.IsGraphOutput(o) || !index.Consumers(o).All(nodes.Contains)))
                    return false;
        return true;
    }

    /// <summary>mask_index: the 2-D attention_mask as int32 (ORT's raw [B, T] form), cast once for all layers.</summary>
    private static string MaskIndex(string attentionMask, WorkingGraph graph, List<GraphNode> added)
    {
        if (graph.Inputs.First(i => i.Name == attentionMask).ElementType == TensorElementType.Int32)
            return attentionMask;
        string cast = graph.NewName(attentionMask + "_int32");
        added.Add(NewNode.Create(cast, "Cast", "", [attentionMask], [cast], NewNode.Int("to", Int32Type)));
        return cast;
    }

    private static IEnumerable<GraphNode> AttentionNodes(Match m, string maskIndex, WorkingGraph graph)
    {
        string name = m.Softmax.Name + "/fused_attention";
        var attributes = new List<Onnx.AttributeProto> { NewNode.Int("num_heads", m.Merge.Heads) };
        if (m.CausalFill is not null)
            attributes.Add(NewNode.Int("unidirectional", 1));
        if (m.Padding is { } padding)
            attributes.Add(NewNode.Float("mask_filter_value", padding.Filter));
        // ORT's default scale is 1/√D; anything else (pre-scaled Q, a different divisor) is stated.
        float standard = 1f / MathF.Sqrt(m.Merge.HeadSize);
        if (MathF.Abs(m.Scale - standard) > 1e-6f * standard)
            attributes.Add(NewNode.Float("scale", m.Scale));
        if (m.Quantized is { Weight: null } inPlace)
        {
            attributes.Add(NewNode.Int(MultiHeadAttentionKernel.PackedQkvAttribute, 1));
            if (m.CausalFill is { } packedFill && maskIndex.Length > 0)
                attributes.Add(NewNode.Float(MultiHeadAttentionKernel.DecomposedCausalFillAttribute, packedFill));
            string[] packed = maskIndex.Length > 0 ? [inPlace.Input, "", "", "", maskIndex] : [inPlace.Input];
            yield return NewNode.Create(name, MultiHeadOpType, FusedOps.Domain, packed, [m.Merge.Source], [.. attributes]);
            yield break;
        }
        if (m.Quantized is { } qp)
        {
            // One quantized GEMM for Q, K and V; the optimizer's MultiHeadAttention reads them from its [B, S, 3D] output.
            string weightName = graph.NewName(name + "/qkv_weight"), scaleName = graph.NewName(name + "/qkv_scale");
            string biasName = graph.NewName(name + "/qkv_bias"), qkv = graph.NewName(name + "/qkv");
            string zeroPointName = qp.ZeroPoints is null ? "" : graph.NewName(name + "/qkv_zero_point");
            graph.Constants[weightName] = qp.Weight;
            graph.Constants[scaleName] = qp.Scales!;
            graph.Constants[biasName] = qp.Bias!;
            if (qp.ZeroPoints is { } zp)
                graph.Constants[zeroPointName] = zp;
            yield return NewNode.Create(name + "/qkv_gemm", QuantizedQkvProjection.OpType, FusedOps.Domain,
                [qp.Input, weightName, scaleName, zeroPointName, biasName], [qkv]);
            attributes.Add(NewNode.Int(MultiHeadAttentionKernel.PackedQkvAttribute, 1));
            if (m.CausalFill is { } packedFill && maskIndex.Length > 0)
                attributes.Add(NewNode.Float(MultiHeadAttentionKernel.DecomposedCausalFillAttribute, packedFill));
            string[] packed = maskIndex.Length > 0 ? [qkv, "", "", "", maskIndex] : [qkv];
            yield return NewNode.Create(name, MultiHeadOpType, FusedOps.Domain, packed, [m.Merge.Source], [.. attributes]);
            yield break;
        }
        if (m.Projection is not { } p)
        {
            (string q, string k, string v) = m.Sources;
            string[] core = maskIndex.Length > 0 ? [q, k, v, "", maskIndex] : [q, k, v];
            if (m.CausalFill is not { } fill || maskIndex.Length == 0)
            {
                yield return NewNode.Create(name, MultiHeadOpType, ContribOps.Domain, core, [m.Merge.Source], [.. attributes]);
                yield break;
            }
            // Causal with padding: ORT's contract differs from the original graph at fully masked (left-padded) rows, and
            // in int8 graphs those rows reach every row through the next layer's dynamic quantization range: our own form.
            attributes.Add(NewNode.Float(MultiHeadAttentionKernel.DecomposedCausalFillAttribute, fill));
            yield return NewNode.Create(name, MultiHeadOpType, FusedOps.Domain, core, [m.Merge.Source], [.. attributes]);
            yield break;
        }
        string weight = p.WeightName ?? graph.NewName(name + "/qkv_weight");
        string bias = p.BiasName ?? graph.NewName(name + "/qkv_bias");
        graph.Constants[weight] = p.Weight;
        graph.Constants[bias] = p.Bias;
        string[] inputs = maskIndex.Length > 0 ? [p.Input, weight, bias, maskIndex] : [p.Input, weight, bias];
        yield return NewNode.Create(name, OpType, ContribOps.Domain, inputs, [m.Merge.Source], [.. attributes]);
    }
}
