using MlNetGraviton.Runtime.Ops;

namespace MlNetGraviton.Runtime.Graph;

/// <summary>
/// Load-time shape inference with symbolic dimensions: graph inputs seed [batch_size, sequence_length], constants
/// are exact, and the ops transformer graphs are made of carry them through (broadcasting, MatMul, Gather, Transpose,
/// Reshape/Unsqueeze/Squeeze with constant operands...). Values it cannot follow are left out; the plan runs with
/// runtime shapes regardless, and this serves early checks (MatMul inner dimensions) and descriptions.
/// </summary>
internal static class ShapeInference
{
    private static readonly HashSet<string> SameShape =
    [
        "Sqrt", "Erf", "Tanh", "Neg", "Sigmoid", "Relu", "Exp", "Log", "Abs", "Reciprocal", "Floor", "Ceil", "Not", "Cast",
        "Softmax", "LogSoftmax", "LayerNormalization", "Identity", "Dropout", "Clip", "CumSum", "Trilu",
    ];

    private static readonly HashSet<string> Broadcasting =
    [
        "Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor",
        "Where", "Max", "Min", "Sum",
    ];

    /// <summary>Quantized forms of MatMul (ONNX's and ONNX Runtime's com.microsoft ones): the output has MatMul's shape.</summary>
    private static readonly HashSet<string> QuantizedMatMuls = ["MatMulInteger", "DynamicQuantizeMatMul", "MatMulIntegerToFloat"];

    public static Dictionary<string, SymbolicShape> Infer(OnnxGraph graph)
    {
        var shapes = new Dictionary<string, SymbolicShape>(StringComparer.Ordinal);
        // Values of Shape(x) outputs, so ConstantOfShape(Shape(x)) gets x's dimensions.
        var shapeValues = new Dictionary<string, SymbolicShape>(StringComparer.Ordinal);
        foreach (TensorInfo input in graph.Inputs)
            shapes[input.Name] = SymbolicShape.Of(input);
        foreach (var (name, tensor) in graph.Constants)
            shapes[name] = SymbolicShape.Of(tensor.ShapeSpan());
        foreach (GraphNode node in graph.Nodes)
        {
            if ((node.Domain.Length != 0 && !QuantizedMatMuls.Contains(node.OpType)) || !node.HasOutput(0))
                continue;
            SymbolicShape? result = null;
            try
            {
                result = InferNode(node, shapes, graph);
            }
            catch (ArgumentException)
            {
                // Inconsistent shapes surface with the node's name when it runs; inference just stops following them.
            }
            if (node.OpType == "Shape" && !node.Attributes.Has("start") && !node.Attributes.Has("end")
                && shapes.TryGetValue(node.Inputs[0], out SymbolicShape? measured))
                shapeValues[node.Outputs[0]] = measured;
            if (node.OpType == "ConstantOfShape" && shapeValues.TryGetValue(node.Inputs[0], out SymbolicShape? filled))
                result = filled;
            if (result is not null)
                shapes[node.Outputs[0]] = result;
            if (node.OpType == "Split" && result is not null)
                SplitOutputs(node, result, graph, shapes);
        }
        return shapes;
    }

    private static SymbolicShape? InferNode(GraphNode node, Dictionary<string, SymbolicShape> shapes, OnnxGraph graph)
    {
        SymbolicShape? In(int i) => node.HasInput(i) && shapes.TryGetValue(node.Inputs[i], out SymbolicShape? s) ? s : null;
        Tensor? Const(int i) => node.HasInput(i) && graph.Constants.TryGetValue(node.Inputs[i], out Tensor? t) ? t : null;
        long opset = graph.OpsetOf(node.Domain);

        if (SameShape.Contains(node.OpType))
            return In(0);
        if (Broadcasting.Contains(node.OpType))
        {
            var inputs = Enumerable.Range(0, node.Inputs.Length).Where(node.HasInput).Select(In).ToList();
            return inputs.Any(s => s is null) ? null : inputs.Aggregate(Broadcast!);
        }
        switch (node.OpType)
        {
            case "DynamicQuantizeLinear" or "QuantizeLinear" or "DequantizeLinear" when node.Domain.Length == 0:
                return In(0); // outputs 1 and 2 of DynamicQuantizeLinear (scale, zero point) are scalars nobody sizes by
            case "MatMul" or "MatMulInteger" or "DynamicQuantizeMatMul" or "MatMulIntegerToFloat"
                when In(0) is { } a && In(1) is { } b && a.Rank >= 2 && b.Rank >= 2:
            {
                SymbolicDim k1 = a.Dims[^1], k2 = b.Dims[^2];
                if (k1.IsFixed && k2.IsFixed && k1.Value != k2.Value)
                    throw new OnnxModelException(
                        $"{graph.Source}: node '{node.Name}' ({node.OpType}) multiplies {a} by {b}: inner dimensions {k1.Value} and {k2.Value} differ");
                SymbolicShape batch = Broadcast(new SymbolicShape(a.Dims[..^2]), new SymbolicShape(b.Dims[..^2]));
                return new SymbolicShape([.. batch.Dims, a.Dims[^2], b.Dims[^1]]);
            }
            case "Gemm" when In(0) is { Rank: 2 } a && In(1) is { Rank: 2 } b:
                return new SymbolicShape([
                    node.Attributes.GetInt("transA", 0) != 0 ? a.Dims[1] : a.Dims[0],
                    node.Attributes.GetInt("transB", 0) != 0 ? b.Dims[0] : b.Dims[1]]);
            case "Transpose" when In(0) is { } x:
            {
                long[] perm = node.Attributes.GetInts("perm") ?? Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i).ToArray();
                return perm.Length == x.Rank ? new SymbolicShape(perm.Select(p => x.Dims[OpArgs.Axis(p, x.Rank)]).ToArray()) : null;
            }
            case "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceProd" when In(0) is { } x:
            {
                // Axes: an attribute before ReduceSum 13 / the others 18, the optional second input since.
                bool axesAsInput = node.OpType == "ReduceSum" ? opset >= 13 : opset >= 18;
                long[]? axes = axesAsInput
                    ? node.HasInput(1) ? (Const(1) is { } c ? OpArgs.Longs(c, "axes") : null) : []
                    : node.Attributes.GetInts("axes") ?? [];
                if (axes is null)
                    return null;
                bool keep = node.Attributes.GetInt("keepdims", 1) != 0;
                if (axes.Length == 0)
                {
                    if (axesAsInput && node.Attributes.GetInt("noop_with_empty_axes", 0) != 0)
                        return x;
                    axes = Enumerable.Range(0, x.Rank).Select(i => (long)i).ToArray();
                }
                var reduced = axes.Select(a => OpArgs.Axis(a, x.Rank, "axes")).ToHashSet();
                return new SymbolicShape(x.Dims.Select((d, i) => reduced.Contains(i) ? (keep ? SymbolicDim.Fixed(1) : (SymbolicDim?)null) : d)
                    .Where(d => d is not null).Select(d => d!.Value).ToArray());
            }
            case "Reshape" when In(0) is not null && Const(1) is null && In(1) is { Rank: 1 } targetShape && targetShape.Dims[0].IsFixed:
                // A target computed at run time (Concat of Shape pieces in Hugging Face exports): the rank is known.
                return new SymbolicShape(Enumerable.Repeat(SymbolicDim.Unknown, (int)targetShape.Dims[0].Value).ToArray());
            case "Reshape" when In(0) is { } x && Const(1) is { } target:
            {
                long[] t = OpArgs.Longs(target, "shape");
                bool allowZero = node.Attributes.GetInt("allowzero", 0) != 0;
                var dims = new SymbolicDim[t.Length];
                for (int i = 0; i < t.Length; i++)
                    dims[i] = t[i] == 0 && !allowZero && i < x.Rank ? x.Dims[i] : t[i] >= 0 ? SymbolicDim.Fixed(t[i]) : SymbolicDim.Unknown;
                return new SymbolicShape(dims);
            }
            case "Unsqueeze" when In(0) is { } x:
            {
                long[]? axes = opset < 13 ? node.Attributes.GetInts("axes") : Const(1) is { } c ? OpArgs.Longs(c, "axes") : null;
                if (axes is null)
                    return null;
                int rank = x.Rank + axes.Length;
                var inserted = axes.Select(a => OpArgs.Axis(a, rank, "axes")).ToHashSet();
                var dims = new SymbolicDim[rank];
                for (int i = 0, j = 0; i < rank; i++)
                    dims[i] = inserted.Contains(i) ? SymbolicDim.Fixed(1) : x.Dims[j++];
                return new SymbolicShape(dims);
            }
            case "Squeeze" when In(0) is { } x:
            {
                long[]? axes = opset < 13 ? node.Attributes.GetInts("axes") : Const(1) is { } c ? OpArgs.Longs(c, "axes") : null;
                if (axes is null)
                    return x.Dims.All(d => d.IsFixed) ? new SymbolicShape(x.Dims.Where(d => d.Value != 1).ToArray()) : null;
                var dropped = axes.Select(a => OpArgs.Axis(a, x.Rank, "axes")).ToHashSet();
                return new SymbolicShape(x.Dims.Where((_, i) => !dropped.Contains(i)).ToArray());
            }
            case "Gather" when In(0) is { } data && In(1) is { } indices:
            {
                int a = OpArgs.Axis(node.Attributes.GetInt("axis", 0), data.Rank);
                return new SymbolicShape([.. data.Dims[..a], .. indices.Dims, .. data.Dims[(a + 1)..]]);
            }
            case "Shape" when In(0) is { } x && !node.Attributes.Has("start") && !node.Attributes.Has("end"):
                return new SymbolicShape([SymbolicDim.Fixed(x.Rank)]);
            case "Slice" when In(0) is { } x:
            {
                // Sliced axes keep their size only when every operand is constant; the rank is always kept.
                Tensor? starts = Const(1), ends = Const(2), steps = Const(4);
                long[]? axes = node.HasInput(3) ? (Const(3) is { } ax ? OpArgs.Longs(ax, "axes") : null) : Enumerable.Range(0, x.Rank).Select(i => (long)i).ToArray();
                var dims = (SymbolicDim[])x.Dims.Clone();
                if (axes is null)
                    return new SymbolicShape(dims.Select(_ => SymbolicDim.Unknown).ToArray());
                int count = starts is null ? axes.Length : (int)starts.ElementCount;
                for (int i = 0; i < count && i < axes.Length; i++)
                {
                    int a = OpArgs.Axis(axes[i], x.Rank, "axes");
                    dims[a] = SymbolicDim.Unknown;
                    if (starts is not null && ends is not null && (steps is null || OpArgs.Longs(steps, "steps")[i] == 1) && x.Dims[a].IsFixed)
                    {
                        long dim = x.Dims[a].Value, b = OpArgs.Longs(starts, "starts")[i], e = OpArgs.Longs(ends, "ends")[i];
                        b = Math.Clamp(b < 0 ? b + dim : b, 0, dim);
                        e = Math.Clamp(e < 0 ? e + dim : e, 0, dim);
                        dims[a] = SymbolicDim.Fixed(Math.Max(0, e - b));
                    }
                }
                return new SymbolicShape(dims);
            }
            case "Split" when In(0) is { } x:
                return x; // the outputs are set by SplitOutputs; output 0 is replaced there
            case "Range":
                return new SymbolicShape([SymbolicDim.Unknown]);
            case "Size":
                return new SymbolicShape([]);
            case "Concat":
            {
                var inputs = Enumerable.Range(0, node.Inputs.Length).Where(node.HasInput).Select(In).ToList();
                if (inputs.Count == 0 || inputs.Any(s => s is null))
                    return null;
                int a = OpArgs.Axis(node.Attributes.GetInt("axis", 0), inputs[0]!.Rank);
                var dims = (SymbolicDim[])inputs[0]!.Dims.Clone();
                dims[a] = inputs.All(s => s!.Dims[a].IsFixed) ? SymbolicDim.Fixed(inputs.Sum(s => s!.Dims[a].Value)) : SymbolicDim.Unknown;
                return new SymbolicShape(dims);
            }
            default:
                return null;
        }
    }

    private static void SplitOutputs(GraphNode node, SymbolicShape input, OnnxGraph graph, Dictionary<string, SymbolicShape> shapes)
    {
        int a = OpArgs.Axis(node.Attributes.GetInt("axis", 0), input.Rank);
        long opset = graph.OpsetOf(node.Domain);
        long[]? split = opset < 13 ? node.Attributes.GetInts("split")
            : node.HasInput(1) && graph.Constants.TryGetValue(node.Inputs[1], out Tensor? t) ? OpArgs.Longs(t, "split") : null;
        int parts = node.Outputs.Length;
        if (split is null && input.Dims[a].IsFixed && input.Dims[a].Value % parts == 0)
            split = Enumerable.Repeat(input.Dims[a].Value / parts, parts).ToArray();
        for (int i = 0; i < parts; i++)
        {
            var dims = (SymbolicDim[])input.Dims.Clone();
            dims[a] = split is not null && i < split.Length ? SymbolicDim.Fixed(split[i]) : SymbolicDim.Unknown;
            if (node.HasOutput(i))
                shapes[node.Outputs[i]] = new SymbolicShape(dims);
        }
    }

    /// <summary>NumPy broadcasting of symbolic shapes: 1 yields to the other side, equal symbols stay, a fixed size wins over a symbol, a name over an unknown.</summary>
    public static SymbolicShape Broadcast(SymbolicShape a, SymbolicShape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new SymbolicDim[rank];
        for (int i = 0; i < rank; i++)
        {
            SymbolicDim x = i - (rank - a.Rank) >= 0 ? a.Dims[i - (rank - a.Rank)] : SymbolicDim.Fixed(1);
            SymbolicDim y = i - (rank - b.Rank) >= 0 ? b.Dims[i - (rank - b.Rank)] : SymbolicDim.Fixed(1);
            if (x.IsFixed && x.Value == 1)
                dims[i] = y;
            else if (y.IsFixed && y.Value == 1)
                dims[i] = x;
            else if (x == y)
                dims[i] = x;
            else if (x.IsFixed && y.IsFixed)
                throw new ArgumentException($"shapes {a} and {b} do not broadcast", nameof(b));
            else
                // A valid graph has equal sizes here (or a 1 we cannot see): prefer what is known, a size, then a name.
                dims[i] = x.IsFixed ? x : y.IsFixed ? y : x.Symbol is not null && y.Symbol is null ? x : y.Symbol is not null && x.Symbol is null ? y : SymbolicDim.Unknown;
        }
        return new SymbolicShape(dims);
    }
}
