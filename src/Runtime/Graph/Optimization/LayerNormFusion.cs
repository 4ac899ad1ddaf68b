using MlNetGraviton.Runtime.Ops;
using MlNetGraviton.Runtime.Ops.Fused;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// The decomposed LayerNorm older exports write, over the last axis:
/// m = ReduceMean(x); d = x − m; v = ReduceMean(d²); y = d / Sqrt(v + ε) · γ + β
/// → one LayerNormalization(x, γ, β, axis −1, ε). It is written in the ONNX domain when the graph imports opset 17 or
/// later, otherwise in the fused domain (same kernel), since older opsets have no LayerNormalization.
/// </summary>
internal sealed class LayerNormFusion : IGraphPass
{
    public string Name => PassNames.LayerNorm;

    public void Run(WorkingGraph graph, OptimizerContext context)
    {
        ValueIndex index = graph.Index();
        var removed = new HashSet<GraphNode>();
        var added = new List<GraphNode>();
        bool onnxDomain = graph.OpsetOf("") >= 17;
        foreach (GraphNode mean in graph.Nodes)
        {
            if (!IsLastAxisMean(mean, graph) || removed.Contains(mean))
                continue;
            string x = mean.Inputs[0];
            if (Single(mean.Outputs[0], "Sub", index) is not { } sub || sub.Inputs[0] != x || sub.Inputs[1] != mean.Outputs[0])
                continue;
            string d = sub.Outputs[0];
            // d feeds the square and the division, nothing else.
            IReadOnlyList<GraphNode> readers = index.Consumers(d);
            if (readers.Count != 2 || graph.IsGraphOutput(d))
                continue;
            GraphNode? square = readers.FirstOrDefault(r => r.Domain.Length == 0
                && ((r.OpType == "Pow" && r.Inputs[0] == d && GeluPattern.IsScalar(graph, r.Inputs[1], 2f))
                    || (r.OpType == "Mul" && r.Inputs.Length == 2 && r.Inputs[0] == d && r.Inputs[1] == d)));
            GraphNode? divide = readers.FirstOrDefault(r => r.Domain.Length == 0 && r.OpType == "Div" && r.Inputs[0] == d);
            if (square is null || divide is null)
                continue;
            if (Single(square.Outputs[0], "ReduceMean", index) is not { } variance || !IsLastAxisMean(variance, graph)
                || Single(variance.Outputs[0], "Add", index) is not { } addEps
                || Other(addEps, variance.Outputs[0]) is not { } eps
                || graph.ConstantOf(eps) is not { ElementType: TensorElementType.Float32, ElementCount: 1 } epsTensor
                || Single(addEps.Outputs[0], "Sqrt", index) is not { } sqrt
                || divide.Inputs[1] != sqrt.Outputs[0] || !index.SingleUse(sqrt.Outputs[0])
                || Single(divide.Outputs[0], "Mul", index) is not { } scale
                || Other(scale, divide.Outputs[0]) is not { } gamma || !IsVector(graph, gamma)
                || Single(scale.Outputs[0], "Add", index) is not { } shift
                || Other(shift, scale.Outputs[0]) is not { } beta || !IsVector(graph, beta)
                || graph.ConstantOf(gamma)!.ElementCount != graph.ConstantOf(beta)!.ElementCount)
                continue;
            GraphNode[] nodes = [mean, sub, square, variance, addEps, sqrt, divide, scale, shift];
            if (nodes.Any(removed.Contains))
                continue;
            added.Add(NewNode.Create(shift.Name + "/fused_layernorm", "LayerNormalization", onnxDomain ? "" : FusedOps.Domain,
                [x, gamma, beta], [shift.Outputs[0]], NewNode.Int("axis", -1), NewNode.Float("epsilon", epsTensor.AsSpan<float>()[0])));
            removed.UnionWith(nodes);
            context.Count(Name);
        }
        if (added.Count == 0)
            return;
        if (!onnxDomain)
            graph.Import(FusedOps.Domain, FusedOps.Version);
        graph.Replace(removed, added);
    }

    private static bool IsLastAxisMean(GraphNode n, WorkingGraph graph)
    {
        if (n.Domain.Length != 0 || n.OpType != "ReduceMean" || n.Attributes.GetInt("keepdims", 1) != 1 || !n.HasOutput(0))
            return false;
        long[]? axes = n.Attributes.GetInts("axes") ?? (n.HasInput(1) && graph.ConstantOf(n.Inputs[1]) is { } t ? OpArgs.Longs(t, "axes") : null);
        return axes is [-1];
    }

    private static bool IsVector(WorkingGraph graph, string value) =>
        graph.ConstantOf(value) is { ElementType: TensorElementType.Float32, Rank: 1 };

    private static GraphNode? Single(string value, string opType, ValueIndex index) =>
        index.SingleUse(value) && index.Consumers(value)[0] is { Domain: "" } c && c.OpType == opType ? c : null;

    private static string? Other(GraphNode binary, string value) =>
        binary.Inputs.Length != 2 ? null : binary.Inputs[0] == value ? binary.Inputs[1] : binary.Inputs[1] == value ? binary.Inputs[0] : null;
}
