using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Runtime.Ops.Contrib;
using MlNetGraviton.Runtime.Ops.Fused;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// A decomposed GELU that no GEMM epilogue took (<see cref="GemmFusion"/> runs first): y·0.5·(1 + erf(y/√2)) →
/// com.microsoft Gelu(y), the tanh form → FastGelu(y), as ORT's GeluFusion writes them. Where y is a
/// com.microsoft DynamicQuantizeMatMul read by the GELU alone (an int8 graph's feed-forward), both become the
/// optimizer's own DynamicQuantizeMatMul with the GELU in the QGEMM epilogue, so five elementwise passes over
/// [B·S, 4H] become none.
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
                removed.UnionWith(gelu.Nodes);
                if (producer is { Domain: ContribOps.Domain, OpType: "DynamicQuantizeMatMul" } && producer.Outputs.Length == 1
                    && context.HasKernel(FusedOps.Domain, "DynamicQuantizeMatMul", FusedOps.Version))
                {
                    added.Add(NewNode.Create(producer.Name + "/fused_gelu", "DynamicQuantizeMatMul", FusedOps.Domain, producer.Inputs,
                        [gelu.Final.Outputs[0]], NewNode.String("activation", gelu.Activation == GemmActivation.GeluErf ? "gelu_erf" : "gelu_tanh")));
                    removed.Add(producer);
                    context.Count(PassNames.QuantizedGemmGelu);
                    continue;
                }
                string opType = gelu.Activation == GemmActivation.GeluErf ? "Gelu" : "FastGelu";
                added.Add(NewNode.Create(gelu.Final.Name + "/fused_gelu", opType, ContribOps.Domain, [y], [gelu.Final.Outputs[0]]));
                context.Count(Name);
            }
        }
        if (added.Count == 0)
            return;
        graph.Import(ContribOps.Domain, 1);
        if (added.Any(n => n.Domain == FusedOps.Domain))
            graph.Import(FusedOps.Domain, FusedOps.Version);
        graph.Replace(removed, added);
    }
}
