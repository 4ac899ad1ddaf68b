namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// A node whose inputs are all constants runs once at load (through the registry's own kernels) and its outputs become
/// constants, cascading in graph order. Results over the size limit stay computed at run time. A 2-D Transpose of a
/// weight that only feeds MatMul as B is left for <see cref="GemmFusion"/> while <paramref name="deferTransposedWeights"/>:
/// packing reads the weight transposed directly, so no transposed copy is ever stored.
/// </summary>
internal sealed class ConstantFolding(bool deferTransposedWeights) : IGraphPass
{
    public string Name => PassNames.ConstantFolding;

    public void Run(WorkingGraph graph, OptimizerContext context)
    {
        ValueIndex index = graph.Index();
        var folded = new HashSet<GraphNode>();
        foreach (GraphNode node in graph.Nodes)
        {
            if (!node.Inputs.Any(i => i.Length > 0) || !node.Inputs.All(i => i.Length == 0 || graph.Constants.ContainsKey(i)))
                continue;
            if (deferTransposedWeights && IsTransposedWeight(node, index))
                continue;
            Tensor[]? results = NodeEvaluator.TryRun(node, graph, context);
            if (results is null || results.Any(r => r is not null && r.SizeInBytes > context.Options.FoldLimitBytes))
                continue;
            for (int o = 0; o < results.Length; o++)
                if (node.HasOutput(o))
                    graph.Constants[node.Outputs[o]] = results[o];
            folded.Add(node);
        }
        if (folded.Count > 0)
            graph.Replace(folded, []);
        context.Count(Name, folded.Count);
    }

    private static bool IsTransposedWeight(GraphNode node, ValueIndex index) =>
        node.Domain.Length == 0 && node.OpType == "Transpose" && node.HasOutput(0)
        && index.Consumers(node.Outputs[0]) is { Count: > 0 } readers
        && readers.All(r => r.Domain.Length == 0 && r.OpType == "MatMul" && r.Inputs.Length > 1 && r.Inputs[1] == node.Outputs[0] && r.Inputs[0] != node.Outputs[0]);
}
