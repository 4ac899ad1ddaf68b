using MlNetGraviton.Runtime.Ops;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// The two masks Hugging Face exports add to attention scores.
/// Padding: the extended mask (1 − m[:, None, None, :]) × c built from the 2-D graph input attention_mask m (Unsqueeze
/// and Cast steps in any order, c = float.MinValue or −10000); ORT's Attention takes m itself as a raw [B, T] mask_index
/// with mask_filter_value = c, which adds the same c to every masked key.
/// Causal: Where(tril[:, :, :S, :S], scores, fill) on HF's registered lower-triangular bool buffer, sliced from the
/// start to the sequence length; ORT's unidirectional = 1 excludes the same keys (fill must be −10000 or lower, so a
/// masked key's weight is 0 either way).
/// </summary>
internal static class AttentionMaskPattern
{
    /// <summary>Below this fill, a causal key's softmax weight is exactly 0 in float32 whatever the scores.</summary>
    private const float NegligibleFill = -10000f;

    public sealed record Padding(string AttentionMask, float Filter, IReadOnlyList<GraphNode> Nodes);

    /// <summary>The extended padding mask that <paramref name="additive"/> is, or null.</summary>
    public static Padding? FindPadding(string additive, WorkingGraph graph, ValueIndex index)
    {
        if (index.ProducerIs(additive, "Mul") is not { Inputs.Length: 2 } mul)
            return null;
        string inverted = mul.Inputs[0], c = mul.Inputs[1];
        if (graph.ConstantOf(inverted) is not null)
            (inverted, c) = (c, inverted);
        if (graph.ConstantOf(c) is not { ElementType: TensorElementType.Float32, ElementCount: 1 } filter
            || index.ProducerIs(inverted, "Sub") is not { Inputs.Length: 2 } sub || !GeluPattern.IsScalar(graph, sub.Inputs[0], 1f))
            return null;
        var nodes = new List<GraphNode> { mul, sub };
        // Walk back through Cast / Unsqueeze to a 2-D graph input; the Unsqueezes must turn [B, T] into [B, 1, 1, T].
        string value = sub.Inputs[1];
        var steps = new List<GraphNode>();
        while (index.Producer(value) is { Domain: "" } step && step.OpType is "Cast" or "Unsqueeze")
        {
            if (!index.SingleUse(step.Outputs[0]))
                return null;
            steps.Add(step);
            value = step.Inputs[0];
        }
        if (!IsFloatCastBefore(steps)
            || !index.SingleUse(sub.Outputs[0])
            || graph.Inputs.FirstOrDefault(i => i.Name == value) is not { Dims.Length: 2 } input
            || input.ElementType is not (TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.Bool))
            return null;
        int rank = 2;
        var kept = new List<int> { 0, 1 }; // where input axes 0 and 1 end up
        for (int i = steps.Count - 1; i >= 0; i--)
        {
            GraphNode step = steps[i];
            if (step.OpType == "Cast")
                continue;
            long[]? axes = graph.OpsetOf("") < 13 ? step.Attributes.GetInts("axes")
                : step.HasInput(1) && graph.ConstantOf(step.Inputs[1]) is { } a ? OpArgs.Longs(a, "axes") : null;
            if (axes is null)
                return null;
            int newRank = rank + axes.Length;
            int[] inserted = axes.Select(x => (int)(x < 0 ? x + newRank : x)).Order().ToArray();
            if (inserted.Any(x => x < 0 || x >= newRank) || inserted.Distinct().Count() != inserted.Length)
                return null;
            for (int k = 0; k < kept.Count; k++)
            {
                // Axis positions shift right past every inserted axis at or before them.
                int position = kept[k];
                foreach (int x in inserted)
                    if (x <= position)
                        position++;
                kept[k] = position;
            }
            rank = newRank;
        }
        if (rank != 4 || kept is not [0, 3])
            return null;
        nodes.AddRange(steps);
        return new Padding(value, filter.AsSpan<float>()[0], nodes);
    }

    /// <summary>The last Cast before the Sub converts to float32 (the Sub needs float; casts before it are free).</summary>
    private static bool IsFloatCastBefore(List<GraphNode> steps) =>
        steps.FirstOrDefault(s => s.OpType == "Cast") is { } cast && cast.Attributes.GetInt("to", 0) == 1;

    /// <summary>
    /// Where(causal, scores, fill) with causal = Slice(lower-triangular bool constant [1, 1, N, N], [0, 0], ends, [2, 3])
    /// and ends = [L, L] for the sequence length L: the scores it masks, or null.
    /// </summary>
    public static string? FindCausal(GraphNode where, WorkingGraph graph, ValueIndex index, SymbolicDim sequence, IReadOnlyDictionary<string, SymbolicShape> shapes)
    {
        if (where.Domain.Length != 0 || where.OpType != "Where" || where.Inputs.Length != 3
            || graph.ConstantOf(where.Inputs[2]) is not { ElementType: TensorElementType.Float32, ElementCount: 1 } fill
            || fill.AsSpan<float>()[0] > NegligibleFill
            || index.ProducerIs(where.Inputs[0], "Slice") is not { } slice || slice.Inputs.Length < 4 || slice.HasInput(4) && !IsOnes(graph, slice.Inputs[4])
            || graph.ConstantOf(slice.Inputs[0]) is not { ElementType: TensorElementType.Bool, Rank: 4 } buffer || !IsLowerTriangle(buffer)
            || graph.ConstantOf(slice.Inputs[1]) is not { } starts || OpArgs.Longs(starts, "starts") is not [0, 0]
            || graph.ConstantOf(slice.Inputs[3]) is not { } axes || OpArgs.Longs(axes, "axes") is not ([2, 3] or [-2, -1]))
            return null;
        string ends = slice.Inputs[2];
        bool bothLength = graph.ConstantOf(ends) is { } fixedEnds
            ? sequence.IsFixed && OpArgs.Longs(fixedEnds, "ends") is [var a, var b] && a == sequence.Value && b == sequence.Value
            : index.ProducerIs(ends, "Concat") is { Inputs: [var first, var second] } concat && concat.Attributes.GetInt("axis", 0) == 0
              && first == second && index.ProducerIs(first, "Unsqueeze") is { } unsqueeze
              && IsLength(unsqueeze.Inputs[0], graph, index, sequence, shapes);
        return bothLength ? where.Inputs[1] : null;
    }

    /// <summary>Gather(Shape(y), i) where dimension i of y is <paramref name="sequence"/> (a known size or name).</summary>
    private static bool IsLength(string value, WorkingGraph graph, ValueIndex index, SymbolicDim sequence, IReadOnlyDictionary<string, SymbolicShape> shapes) =>
        (sequence.IsFixed || sequence.Symbol is not null)
        && index.ProducerIs(value, "Gather") is { } gather && gather.Attributes.GetInt("axis", 0) == 0
        && graph.ConstantOf(gather.Inputs[1]) is { Rank: 0 } at && OpArgs.Longs(at, "indices")[0] is var i and >= 0
        && index.ProducerIs(gather.Inputs[0], "Shape") is { } shape && !shape.Attributes.Has("start") && !shape.Attributes.Has("end")
        && shapes.TryGetValue(shape.Inputs[0], out SymbolicShape? measured) && i < measured.Rank && measured.Dims[i] == sequence;

    private static bool IsOnes(WorkingGraph graph, string value) =>
        graph.ConstantOf(value) is { } t && OpArgs.Longs(t, "steps").All(s => s == 1);

    /// <summary>[1, 1, N, N] with element (r, c) true exactly when c ≤ r.</summary>
    private static bool IsLowerTriangle(Tensor buffer)
    {
        if (buffer.Dimension(0) != 1 || buffer.Dimension(1) != 1 || buffer.Dimension(2) != buffer.Dimension(3))
            return false;
        int n = (int)buffer.Dimension(2);
        ReadOnlySpan<bool> values = buffer.AsSpan<bool>();
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
                if (values[r * n + c] != c <= r)
                    return false;
        return true;
    }
}
