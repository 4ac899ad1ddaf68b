using MlNetGraviton.Kernels;
using MlNetGraviton.Runtime.Ops;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// The load-time pass pipeline: clean-up and folding first (so fusions see constant shapes and weights), then the
/// fusions from the largest pattern down (attention before the GEMMs it contains; LayerNorm first, since shape
/// inference cannot follow a decomposed LayerNorm and attention checks its input's shape), then a final clean-up.
/// </summary>
internal static class GraphOptimizer
{
    public static OptimizationResult Optimize(OnnxGraph graph, OpRegistry registry, CpuFeatures cpu, GraphOptimizerOptions? options = null)
    {
        options ??= GraphOptimizerOptions.Default;
        // A graph with ops the engine lacks is refused by the plan; its error should list the ops of the file as
        // loaded, not what is left after fusions absorbed some of them.
        if (!options.Enabled || graph.Nodes.Any(n => !registry.TryGet(n.Domain, n.OpType, graph.OpsetOf(n.Domain), out _)))
            return new OptimizationResult(graph, new Dictionary<string, int>());
        var context = new OptimizerContext(registry, cpu, options);
        WorkingGraph working = WorkingGraph.From(graph);
        IGraphPass[] pipeline =
        [
            new DeadNodeElimination(),
            new ConstantFolding(deferTransposedWeights: true),
            new ShapeFolding(),
            new ConstantFolding(deferTransposedWeights: true),
            new DeadNodeElimination(),
            new LayerNormFusion(),
            new AttentionFusion(),
            new GemmFusion(),
            new GeluFusion(),
            new SkipLayerNormFusion(),
            new ConstantFolding(deferTransposedWeights: false),
            new DeadNodeElimination(),
        ];
        foreach (IGraphPass pass in pipeline)
        {
            if (options.Disabled.Contains(pass.Name))
                continue;
            pass.Run(working, context);
        }
        return new OptimizationResult(working.ToGraph(), context.Counts);
    }
}
