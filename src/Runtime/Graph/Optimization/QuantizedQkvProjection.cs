using MlNetGraviton.Runtime.Ops.Contrib;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// Attention's Q, K and V as an int8 graph has them: three com.microsoft DynamicQuantizeMatMul of one float input, each
/// with a constant 2-D B of one element type and shape [K, W], a constant scale (one or W values), a constant or absent
/// zero point and bias. Merged, they are one DynamicQuantizeMatMul by B = [Bq | Bk | Bv] ([K, 3W]) with per-column scales,
/// zero points and bias: the input is quantized once instead of three times (its scale and zero point depend only on the
/// input, so every product, and every dequantized output, is the same as before) and the GEMM is three times as wide.
/// Where one quantized GEMM already makes [Q | K | V] and a Split cuts it into three equal parts along the last axis
/// (GPT-2's c_attn), the Split goes: attention reads the GEMM's output in place (<see cref="Weight"/> is then null and
/// <see cref="Input"/> is that packed value).
/// </summary>
internal sealed record QuantizedQkvProjection(
    string Input, Tensor? Weight, Tensor? Scales, Tensor? ZeroPoints, Tensor? Bias, int Width, IReadOnlyList<GraphNode> Nodes)
{
    public const string OpType = "DynamicQuantizeMatMul";

    private sealed record Part(GraphNode Node, Tensor B, Tensor Scale, Tensor? ZeroPoint, Tensor? Bias);

    public static QuantizedQkvProjection? Find(string q, string k, string v, WorkingGraph graph, ValueIndex index)
    {
        if (index.Producer(q) is { Domain: "", OpType: "Split" } split)
            return FromSplit(split, q, k, v, graph, index);
        if (PartOf(q, graph, index) is not { } pq || PartOf(k, graph, index) is not { } pk || PartOf(v, graph, index) is not { } pv)
            return null;
        Part[] parts = [pq, pk, pv];
        string input = pq.Node.Inputs[0];
        TensorElementType type = pq.B.ElementType;
        long rows = pq.B.Dimension(0), width = pq.B.Dimension(1);
        if (parts.Any(p => p.Node.Inputs[0] != input || p.B.ElementType != type || p.B.Dimension(0) != rows || p.B.Dimension(1) != width
                || p.ZeroPoint is { } z && z.ElementType != type)
            || pq.Node == pk.Node || pq.Node == pv.Node || pk.Node == pv.Node)
            return null;

        int k0 = checked((int)rows), w = checked((int)width), w3 = checked(3 * w);
        int elementSize = type.SizeInBytes();
        var weight = Array.CreateInstance(type == TensorElementType.Int8 ? typeof(sbyte) : typeof(byte), checked((long)k0 * w3));
        var scales = new float[w3];
        var bias = new float[w3];
        bool anyZeroPoint = parts.Any(p => p.ZeroPoint is not null);
        var zeroPoints = anyZeroPoint ? Array.CreateInstance(weight.GetType().GetElementType()!, w3) : null;
        for (int p = 0; p < 3; p++)
        {
            Part part = parts[p];
            for (int r = 0; r < k0; r++)
                Buffer.BlockCopy(part.B.Data, r * w * elementSize, weight, (r * w3 + p * w) * elementSize, w * elementSize);
            ReadOnlySpan<float> scale = part.Scale.AsSpan<float>();
            for (int j = 0; j < w; j++)
                scales[p * w + j] = scale[scale.Length == 1 ? 0 : j];
            part.Bias?.AsSpan<float>().CopyTo(bias.AsSpan(p * w, w));
            if (zeroPoints is not null && part.ZeroPoint is { } zp)
                for (int j = 0; j < w; j++)
                    zeroPoints.SetValue(zp.Data.GetValue(zp.ElementCount == 1 ? 0 : j), p * w + j);
        }
        Tensor merged = type == TensorElementType.Int8
            ? Tensor.Create((sbyte[])weight, rows, w3)
            : Tensor.Create((byte[])weight, rows, w3);
        // By the element type, not by pattern: the runtime lets a byte[] pass as an sbyte[].
        Tensor? mergedZeroPoints = zeroPoints is null ? null
            : type == TensorElementType.Int8 ? Tensor.Create((sbyte[])zeroPoints, w3)
            : Tensor.Create((byte[])zeroPoints, w3);
        return new QuantizedQkvProjection(input, merged, Tensor.Create(scales, w3), mergedZeroPoints, Tensor.Create(bias, w3), w,
            [pq.Node, pk.Node, pv.Node]);
    }

    /// <summary>Split(y) into [q, k, v], three equal parts of the last axis, where y is a quantized GEMM's output read only here.</summary>
    private static QuantizedQkvProjection? FromSplit(GraphNode split, string q, string k, string v, WorkingGraph graph, ValueIndex index)
    {
        if (split.Outputs is not [var o0, var o1, var o2] || o0 != q || o1 != k || o2 != v || !index.SingleUse(split.Inputs[0])
            || index.Producer(split.Inputs[0]) is not { OpType: OpType, Domain: ContribOps.Domain } product
            || graph.ConstantOf(product.Inputs.Length > 1 ? product.Inputs[1] : "") is not { Rank: 2 } b || b.Dimension(1) % 3 != 0)
            return null;
        long width = b.Dimension(1) / 3;
        long axis = split.Attributes.GetInt("axis", 0);
        long[]? sizes = split.HasInput(1)
            ? graph.ConstantOf(split.Inputs[1]) is { ElementType: TensorElementType.Int64 } s ? s.AsSpan<long>().ToArray() : null
            : split.Attributes.GetInts("split");
        if (axis is not (2 or -1) || split.HasInput(1) && sizes is null || sizes is not (null or [_, _, _]) || sizes is not null && sizes.Any(x => x != width))
            return null;
        return new QuantizedQkvProjection(split.Inputs[0], null, null, null, null, checked((int)width), [split]);
    }

    /// <summary>The DynamicQuantizeMatMul (A, B, b_scale, b_zero_point?, bias?) that alone produces and is the one reader of <paramref name="value"/>'s path.</summary>
    private static Part? PartOf(string value, WorkingGraph graph, ValueIndex index)
    {
        if (index.Producer(value) is not { Domain: ContribOps.Domain, OpType: OpType } node
            || node.Outputs.Length != 1 || !index.SingleUse(value) || node.Inputs.Length < 3)
            return null;
        string Input(int i) => i < node.Inputs.Length ? node.Inputs[i] : "";
        if (graph.ConstantOf(Input(1)) is not { Rank: 2, ElementType: TensorElementType.Int8 or TensorElementType.UInt8 } b
            || b.Dimension(0) == 0 || b.Dimension(1) == 0)
            return null;
        long width = b.Dimension(1);
        if (graph.ConstantOf(Input(2)) is not { ElementType: TensorElementType.Float32, Rank: <= 1 } scale
            || scale.ElementCount != 1 && scale.ElementCount != width)
            return null;
        Tensor? zeroPoint = null;
        if (Input(3).Length > 0)
        {
            zeroPoint = graph.ConstantOf(Input(3));
            if (zeroPoint is not { Rank: <= 1 } || zeroPoint.ElementCount != 1 && zeroPoint.ElementCount != width)
                return null;
        }
        Tensor? bias = null;
        if (Input(4).Length > 0)
        {
            bias = graph.ConstantOf(Input(4));
            if (bias is not { ElementType: TensorElementType.Float32, Rank: 1 } || bias.ElementCount != width)
                return null;
        }
        return new Part(node, b, scale, zeroPoint, bias);
    }
}
