using MlNetGraviton.Runtime.Ops;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// What a Reshape's target says, position by position, in the forms exports write it: a constant ([0, 0, 12, 64], or
/// with the leading sizes spelled out), or a Concat of constants and Unsqueeze(Gather(Shape(y), i)) pieces that copy a
/// dimension of some value y at run time (the torch exporter's form when batch and sequence are dynamic).
/// </summary>
internal sealed record ReshapeTarget(ReshapeTarget.Entry[] Entries, IReadOnlyList<GraphNode> ShapeNodes)
{
    /// <summary>One position of the target: a size (0 = keep, −1 = inferred), or dimension <paramref name="Axis"/> of <paramref name="Of"/> read at run time.</summary>
    public readonly record struct Entry(long Size, string? Of = null, int Axis = -1)
    {
        /// <summary>True when this position surely keeps dimension <paramref name="axis"/> of the reshaped value <paramref name="input"/>.</summary>
        public bool Keeps(string input, int axis, IReadOnlyDictionary<string, SymbolicShape> shapes)
        {
            if (Size == 0 || (Of == input && Axis == axis))
                return true;
            if (!shapes.TryGetValue(input, out SymbolicShape? x) || axis >= x.Rank || !Known(x.Dims[axis]))
                return false;
            if (Of is not null)
                return shapes.TryGetValue(Of, out SymbolicShape? y) && Axis < y.Rank && y.Dims[Axis] == x.Dims[axis];
            return Size > 0 && x.Dims[axis].IsFixed && x.Dims[axis].Value == Size;
        }

        private static bool Known(SymbolicDim d) => d.IsFixed || d.Symbol is not null;
    }

    public int Rank => Entries.Length;

    /// <summary>The target of <paramref name="reshape"/>, or null when it is neither form (or allowzero is set).</summary>
    public static ReshapeTarget? Of(GraphNode reshape, WorkingGraph graph, ValueIndex index)
    {
        if (reshape.Inputs.Length != 2 || reshape.Attributes.GetInt("allowzero", 0) != 0)
            return null;
        if (graph.ConstantOf(reshape.Inputs[1]) is { ElementType: TensorElementType.Int64, Rank: 1 } constant)
            return new ReshapeTarget(OpArgs.Longs(constant, "shape").Select(s => new Entry(s, null)).ToArray(), []);
        if (index.ProducerIs(reshape.Inputs[1], "Concat") is not { } concat || concat.Attributes.GetInt("axis", 0) != 0)
            return null;
        var entries = new List<Entry>();
        var nodes = new List<GraphNode> { concat };
        foreach (string piece in concat.Inputs)
        {
            if (graph.ConstantOf(piece) is { ElementType: TensorElementType.Int64, Rank: 1 } part)
            {
                entries.AddRange(OpArgs.Longs(part, "shape").Select(s => new Entry(s, null)));
                continue;
            }
            if (CopiedDimension(piece, graph, index, nodes) is not { } copied)
                return null;
            entries.Add(copied);
        }
        return new ReshapeTarget(entries.ToArray(), nodes);
    }

    /// <summary>Unsqueeze(Gather(Shape(y), i), [0]) with i ≥ 0 → dimension i of y.</summary>
    private static Entry? CopiedDimension(string piece, WorkingGraph graph, ValueIndex index, List<GraphNode> nodes)
    {
        if (index.ProducerIs(piece, "Unsqueeze") is not { } unsqueeze
            || (unsqueeze.Attributes.GetInts("axes") ?? (unsqueeze.HasInput(1) && graph.ConstantOf(unsqueeze.Inputs[1]) is { } a ? OpArgs.Longs(a, "axes") : null)) is not [0]
            || index.ProducerIs(unsqueeze.Inputs[0], "Gather") is not { } gather || gather.Attributes.GetInt("axis", 0) != 0
            || graph.ConstantOf(gather.Inputs[1]) is not { ElementCount: 1, Rank: 0 } at
            || index.ProducerIs(gather.Inputs[0], "Shape") is not { } shape || shape.Attributes.Has("start") || shape.Attributes.Has("end")
            || OpArgs.Longs(at, "indices")[0] is not (>= 0 and < int.MaxValue and var i))
            return null;
        nodes.AddRange([unsqueeze, gather, shape]);
        return new Entry(-1, shape.Inputs[0], (int)i);
    }
}
