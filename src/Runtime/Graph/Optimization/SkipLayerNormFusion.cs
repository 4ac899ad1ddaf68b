using MlNetGraviton.Runtime.Ops.Contrib;
using MlNetGraviton.Runtime.Ops.Fused;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// Add(a, b) of two [batch, sequence, hidden] activations of the same shape, read by a LayerNormalization over the
/// last axis → com.microsoft SkipLayerNormalization(a, b, γ, β, ε) per ORT's contrib contract, with the sum as output 3
/// where something else reads it too. Fires only when a kernel
/// for that op is registered, so graphs stay runnable before it exists.
/// </summary>
internal sealed class SkipLayerNormFusion : IGraphPass
{
    private const string OpType = "SkipLayerNormalization";

    public string Name => PassNames.SkipLayerNorm;

    public void Run(WorkingGraph graph, OptimizerContext context)
    {
        if (!context.HasKernel(ContribOps.Domain, OpType, 1))
            return;
        ValueIndex index = graph.Index();
        Dictionary<string, SymbolicShape>? shapes = null;
        var removed = new HashSet<GraphNode>();
        var added = new List<GraphNode>();
        foreach (GraphNode norm in graph.Nodes)
        {
            if (norm.OpType != "LayerNormalization" || !(norm.Domain.Length == 0 || norm.Domain == FusedOps.Domain)
                || norm.Inputs.Length < 3 || !norm.HasInput(2) || norm.Outputs.Length > 1
                || norm.Attributes.GetInt("axis", -1) != -1 || removed.Contains(norm))
                continue;
            if (index.ProducerIs(norm.Inputs[0], "Add") is not { } add || removed.Contains(add)
                || graph.ConstantOf(add.Inputs[0]) is not null || graph.ConstantOf(add.Inputs[1]) is not null)
                continue;
            shapes ??= FusedShapes.Infer(graph);
            if (!shapes.TryGetValue(add.Inputs[0], out SymbolicShape? a) || !shapes.TryGetValue(add.Inputs[1], out SymbolicShape? b)
                || a.Rank != 3 || !a.Dims.SequenceEqual(b.Dims) || a.Dims.Any(d => !d.IsFixed && d.Symbol is null))
                continue;
            // A sum read elsewhere too (GPT-2's residual stream: the next block adds to it) comes out as output 3,
            // input_skip_bias_sum, as ORT's fusion wires it.
            string[] outputs = index.SingleUse(add.Outputs[0]) ? [norm.Outputs[0]] : [norm.Outputs[0], "", "", add.Outputs[0]];
            added.Add(NewNode.Create(norm.Name + "/fused_skip", OpType, ContribOps.Domain,
                [add.Inputs[0], add.Inputs[1], norm.Inputs[1], norm.Inputs[2]], outputs,
                NewNode.Float("epsilon", norm.Attributes.GetFloat("epsilon", 1e-5f))));
            removed.Add(add);
            removed.Add(norm);
            context.Count(Name);
        }
        if (added.Count == 0)
            return;
        graph.Import(ContribOps.Domain, 1);
        graph.Replace(removed, added);
    }
}
