using MlNetGraviton.Runtime.Ops;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// Where attention's Q, K and V come from: three Linears (MatMul by a constant [in, W] weight, optionally + a constant
/// [W] bias) of one input, as BERT and RoBERTa exports write them, or one Linear [in, 3W] split into three equal parts
/// along the last axis, as GPT-2's c_attn is. The result is the single [in, 3W] weight and [3W] bias ORT's Attention
/// takes (Q, K, V columns in that order); existing constants are reused, three separate ones are concatenated.
/// </summary>
internal sealed record QkvProjection(string Input, string? WeightName, Tensor Weight, string? BiasName, Tensor Bias, IReadOnlyList<GraphNode> Nodes)
{
    /// <summary>Q, K and V width (each).</summary>
    public int Width => (int)(Weight.Dimension(1) / 3);

    public static QkvProjection? Find(string q, string k, string v, WorkingGraph graph, ValueIndex index) =>
        index.Producer(q) is { Domain: "", OpType: "Split" } split ? FromSplit(split, q, k, v, graph, index) : FromThree(q, k, v, graph, index);

    private sealed record Linear(string Input, string WeightName, Tensor Weight, string? BiasName, Tensor? Bias, GraphNode[] Nodes);

    /// <summary>MatMul(x, W) or Add of a constant bias to it (either operand order).</summary>
    private static Linear? LinearOf(string value, WorkingGraph graph, ValueIndex index)
    {
        GraphNode? add = index.ProducerIs(value, "Add");
        string product = value;
        string? biasName = null;
        if (add is { Inputs.Length: 2 })
        {
            (product, biasName) = graph.ConstantOf(add.Inputs[0]) is not null ? (add.Inputs[1], add.Inputs[0]) : (add.Inputs[0], add.Inputs[1]);
            if (!index.SingleUse(product))
                return null;
        }
        if (index.ProducerIs(product, "MatMul") is not { Inputs.Length: 2 } matMul
            || graph.ConstantOf(matMul.Inputs[1]) is not { ElementType: TensorElementType.Float32, Rank: 2 } weight || weight.Dimension(1) == 0)
            return null;
        Tensor? bias = biasName is null ? null : graph.ConstantOf(biasName);
        if (biasName is not null && (bias is not { ElementType: TensorElementType.Float32, Rank: 1 } || bias.Dimension(0) != weight.Dimension(1)))
            return null;
        return new Linear(matMul.Inputs[0], matMul.Inputs[1], weight, biasName, bias, add is null ? [matMul] : [matMul, add]);
    }

    private static QkvProjection? FromThree(string q, string k, string v, WorkingGraph graph, ValueIndex index)
    {
        if (LinearOf(q, graph, index) is not { } lq || LinearOf(k, graph, index) is not { } lk || LinearOf(v, graph, index) is not { } lv
            || lq.Input != lk.Input || lq.Input != lv.Input
            || !SameShape(lq.Weight, lk.Weight) || !SameShape(lq.Weight, lv.Weight))
            return null;
        int rows = (int)lq.Weight.Dimension(0), width = (int)lq.Weight.Dimension(1);
        var weight = new float[(long)rows * 3 * width];
        var bias = new float[3 * width];
        Linear[] parts = [lq, lk, lv];
        for (int p = 0; p < 3; p++)
        {
            ReadOnlySpan<float> w = parts[p].Weight.AsSpan<float>();
            for (int r = 0; r < rows; r++)
                w.Slice(r * width, width).CopyTo(weight.AsSpan(r * 3 * width + p * width, width));
            parts[p].Bias?.AsSpan<float>().CopyTo(bias.AsSpan(p * width, width));
        }
        return new QkvProjection(lq.Input, null, Tensor.Create(weight, rows, 3L * width), null, Tensor.Create(bias, 3L * width),
            [.. lq.Nodes, .. lk.Nodes, .. lv.Nodes]);
    }

    private static QkvProjection? FromSplit(GraphNode split, string q, string k, string v, WorkingGraph graph, ValueIndex index)
    {
        if (split.Outputs is not [var o0, var o1, var o2] || o0 != q || o1 != k || o2 != v
            || !index.SingleUse(split.Inputs[0]) || LinearOf(split.Inputs[0], graph, index) is not { } linear
            || linear.Weight.Dimension(1) % 3 != 0)
            return null;
        long width = linear.Weight.Dimension(1) / 3;
        long axis = split.Attributes.GetInt("axis", 0);
        long[]? sizes = split.HasInput(1) ? graph.ConstantOf(split.Inputs[1]) is { } s ? OpArgs.Longs(s, "split") : null : split.Attributes.GetInts("split");
        if (axis is not (2 or -1) || (split.HasInput(1) && sizes is null) || sizes is not (null or [_, _, _]) || sizes is not null && sizes.Any(x => x != width))
            return null;
        Tensor bias = linear.Bias ?? Tensor.Create(new float[3 * width], 3 * width);
        return new QkvProjection(linear.Input, linear.WeightName, linear.Weight, linear.BiasName, bias, [.. linear.Nodes, split]);
    }

    private static bool SameShape(Tensor a, Tensor b) => a.Dimension(0) == b.Dimension(0) && a.Dimension(1) == b.Dimension(1);
}
