namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// The head split around attention: Transpose(Reshape(x [B, S, H·D], [B, S, H, D]), perm) for Q, K (perm 0,2,3,1 gives
/// Kᵀ directly) and V, and the merge back: Reshape(Transpose(context, 0,2,1,3), [B, S, H·D]).
/// </summary>
internal sealed record HeadReshape(string Source, int Heads, int HeadSize, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphNode> ShapeNodes)
{
    public static readonly long[] ToHeads = [0, 2, 1, 3];
    public static readonly long[] ToHeadsTransposed = [0, 2, 3, 1];

    /// <summary>Reads <paramref name="heads"/> = Transpose(Reshape(source, [B, S, H, D]), <paramref name="perm"/>), or null.</summary>
    public static HeadReshape? Split(string heads, long[] perm, WorkingGraph graph, ValueIndex index, IReadOnlyDictionary<string, SymbolicShape> shapes)
    {
        if (index.ProducerIs(heads, "Transpose") is not { } transpose || !(transpose.Attributes.GetInts("perm") ?? []).SequenceEqual(perm)
            || index.ProducerIs(transpose.Inputs[0], "Reshape") is not { } reshape
            || ReshapeTarget.Of(reshape, graph, index) is not { Rank: 4 } target)
            return null;
        string source = reshape.Inputs[0];
        if (!shapes.TryGetValue(source, out SymbolicShape? x) || x.Rank != 3 || !x.Dims[2].IsFixed
            || !target.Entries[0].Keeps(source, 0, shapes) || !target.Entries[1].Keeps(source, 1, shapes)
            || target.Entries[2] is not { Size: > 0 and <= int.MaxValue, Of: null } h)
            return null;
        long width = x.Dims[2].Value;
        long d = target.Entries[3] switch
        {
            { Of: null, Size: > 0 } e => e.Size,
            { Of: null, Size: -1 } when width % h.Size == 0 => width / h.Size,
            _ => 0,
        };
        if (d <= 0 || d * h.Size != width)
            return null;
        return new HeadReshape(source, (int)h.Size, (int)d, [transpose, reshape], target.ShapeNodes);
    }

    /// <summary>The Reshape(Transpose(<paramref name="context"/>, 0,2,1,3), [B, S, H·D]) that merges the heads back, or null.</summary>
    public static HeadReshape? Merge(string context, int heads, int headSize, WorkingGraph graph, ValueIndex index)
    {
        if (!index.SingleUse(context) || index.Consumers(context)[0] is not { Domain: "", OpType: "Transpose" } transpose
            || !(transpose.Attributes.GetInts("perm") ?? []).SequenceEqual(ToHeads)
            || graph.IsGraphOutput(transpose.Outputs[0])
            || index.Consumers(transpose.Outputs[0]).FirstOrDefault(c => c is { Domain: "", OpType: "Reshape" } && c.Inputs[0] == transpose.Outputs[0]) is not { } reshape
            || ReshapeTarget.Of(reshape, graph, index) is not { Rank: 3 } target)
            return null;
        var noShapes = new Dictionary<string, SymbolicShape>();
        string merged = transpose.Outputs[0];
        if (!target.Entries[0].Keeps(merged, 0, noShapes) || !target.Entries[1].Keeps(merged, 1, noShapes)
            || target.Entries[2] is not { Of: null } w || (w.Size != -1 && w.Size != (long)heads * headSize))
            return null;
        return new HeadReshape(reshape.Outputs[0], heads, headSize, [transpose, reshape], target.ShapeNodes);
    }
}
