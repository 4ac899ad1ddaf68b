using MlNetGraviton.Runtime.Ops;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// Folds what load-time shape inference already knows: Shape(x) when all of x's dimensions are fixed, and the
/// Gather / Slice of a Shape that pick only fixed dimensions (hidden size, head count) even when batch and sequence
/// are symbolic. Constant folding then collapses the Unsqueeze / Concat chains built from them.
/// </summary>
internal sealed class ShapeFolding : IGraphPass
{
    public string Name => PassNames.ShapeFolding;

    public void Run(WorkingGraph graph, OptimizerContext context)
    {
        Dictionary<string, SymbolicShape> shapes = ShapeInference.Infer(graph.ToGraph());
        ValueIndex index = graph.Index();
        var folded = new HashSet<GraphNode>();
        foreach (GraphNode shapeNode in graph.Nodes)
        {
            if (shapeNode.Domain.Length != 0 || shapeNode.OpType != "Shape" || !shapeNode.HasOutput(0)
                || !shapes.TryGetValue(shapeNode.Inputs[0], out SymbolicShape? measured))
                continue;
            SymbolicDim[] dims = Range(shapeNode, measured);
            if (dims.All(d => d.IsFixed))
            {
                graph.Constants[shapeNode.Outputs[0]] = Tensor.Create(dims.Select(d => d.Value).ToArray(), dims.Length);
                folded.Add(shapeNode);
                continue;
            }
            foreach (GraphNode reader in index.Consumers(shapeNode.Outputs[0]))
            {
                if (reader.Domain.Length != 0 || reader.Inputs[0] != shapeNode.Outputs[0] || !reader.HasOutput(0))
                    continue;
                Tensor? picked = reader.OpType switch
                {
                    "Gather" => Gather(reader, dims, graph),
                    "Slice" => Slice(reader, dims, graph),
                    _ => null,
                };
                if (picked is null)
                    continue;
                graph.Constants[reader.Outputs[0]] = picked;
                folded.Add(reader);
            }
        }
        if (folded.Count > 0)
            graph.Replace(folded, []);
        context.Count(Name, folded.Count);
    }

    /// <summary>The dimensions Shape returns, honouring opset 15's start / end attributes.</summary>
    private static SymbolicDim[] Range(GraphNode node, SymbolicShape shape)
    {
        int rank = shape.Rank;
        long start = node.Attributes.GetInt("start", 0), end = node.Attributes.GetInt("end", rank);
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        return end > start ? shape.Dims[(int)start..(int)end] : [];
    }

    private static Tensor? Gather(GraphNode gather, SymbolicDim[] dims, WorkingGraph graph)
    {
        if (gather.Attributes.GetInt("axis", 0) != 0 || graph.ConstantOf(gather.Inputs[1]) is not { } indices
            || indices.ElementType is not (TensorElementType.Int64 or TensorElementType.Int32))
            return null;
        long[] at = OpArgs.Longs(indices, "indices");
        var values = new long[at.Length];
        for (int i = 0; i < at.Length; i++)
        {
            long a = at[i] < 0 ? at[i] + dims.Length : at[i];
            if (a < 0 || a >= dims.Length || !dims[a].IsFixed)
                return null;
            values[i] = dims[a].Value;
        }
        return Tensor.Create(values, indices.Shape);
    }

    private static Tensor? Slice(GraphNode slice, SymbolicDim[] dims, WorkingGraph graph)
    {
        Tensor? starts = graph.ConstantOf(slice.Inputs[1]), ends = slice.HasInput(2) ? graph.ConstantOf(slice.Inputs[2]) : null;
        if (starts is null || ends is null)
            return null;
        if (slice.HasInput(3) && (graph.ConstantOf(slice.Inputs[3]) is not { } axes || OpArgs.Longs(axes, "axes") is not [0 or -1]))
            return null;
        long step = 1;
        if (slice.HasInput(4))
        {
            if (graph.ConstantOf(slice.Inputs[4]) is not { } steps)
                return null;
            step = OpArgs.Longs(steps, "steps")[0];
        }
        if (step != 1 || starts.ElementCount != 1 || ends.ElementCount != 1)
            return null;
        long n = dims.Length, b = OpArgs.Longs(starts, "starts")[0], e = OpArgs.Longs(ends, "ends")[0];
        b = Math.Clamp(b < 0 ? b + n : b, 0, n);
        e = Math.Clamp(e < 0 ? e + n : e, 0, n);
        var values = new List<long>();
        for (long i = b; i < e; i++)
        {
            if (!dims[i].IsFixed)
                return null;
            values.Add(dims[i].Value);
        }
        return Tensor.Create(values.ToArray(), values.Count);
    }
}
