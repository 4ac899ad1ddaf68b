namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>Removes nodes none of whose outputs reach a graph output (left behind by folding and fusions, or dead in the file).</summary>
internal sealed class DeadNodeElimination : IGraphPass
{
    public string Name => PassNames.DeadNodes;

    public void Run(WorkingGraph graph, OptimizerContext context)
    {
        var live = new HashSet<string>(graph.OutputNames, StringComparer.Ordinal);
        var dead = new HashSet<GraphNode>();
        for (int i = graph.Nodes.Count - 1; i >= 0; i--)
        {
            GraphNode node = graph.Nodes[i];
            if (node.Outputs.Any(o => o.Length > 0 && live.Contains(o)))
                live.UnionWith(node.Inputs.Where(x => x.Length > 0));
            else
                dead.Add(node);
        }
        if (dead.Count > 0)
            graph.Replace(dead, []);
        // Constants nothing reads any more (folded intermediates, replaced weights) are dropped too.
        foreach (string name in graph.Constants.Keys.Where(k => !live.Contains(k)).ToList())
            graph.Constants.Remove(name);
        context.Count(Name, dead.Count);
    }
}
