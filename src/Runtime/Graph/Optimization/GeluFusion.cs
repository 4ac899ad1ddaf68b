using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Runtime.Ops.Contrib;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// A decomposed GELU that no GEMM epilogue took (<see cref="GemmFusion"/> runs first): y·0.5·(1 + erf(y/√2)) →
/// com.microsoft Gelu(y), the tanh form → FastGelu(y), as ORT's GeluFusion writes them. In int8 graphs this is where the
/// feed-forward GELU goes: its y is a quantized MatMul's output, so five elementwise passes over [B·S, 4H] become one.
/// </summary>
internal sealed class GeluFusion : IGraphPass
{
    public string Name => PassNames.Gelu;

    public void Run(WorkingGraph graph, OptimizerContext context)
    {
        if (!context.HasKernel(ContribOps.Domain, "Gelu", 1) || !context.HasKernel(ContribOps.Domain, "FastGelu", 1))
            return;
        ValueIndex index = graph.Index();
        var removed = new HashSet<GraphNode>();
        var added = new List<GraphNode>();
        foreach (GraphNode producer in graph.Nodes)
        {
            foreach (string y in producer.Outputs)
            {
                if (y.Length == 0 || GeluPattern.Find(y, graph, index) is not { } gelu || gelu.Nodes.Any(removed.Contains))
                    continue;
                string opType = gelu.Activation == GemmActivation.GeluErf ? "Gelu" : "FastGelu";
                added.Add(NewNode.Create(gelu.Final.Name + "/fused_gelu", opType, ContribOps.Domain, [y], [gelu.Final.Outputs[0]]));
                removed.UnionWith(gelu.Nodes);
                context.Count(Name);
            }
        }
        if (added.Count == 0)
            return;
        graph.Import(ContribOps.Domain, 1);
        graph.Replace(removed, added);
    }
}
