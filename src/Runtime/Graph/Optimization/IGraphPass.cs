namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>One rewrite over the working graph; it counts what it did (nodes folded, subgraphs fused) in the context.</summary>
internal interface IGraphPass
{
    /// <summary>Short name used to turn the pass off in tests; also its counter unless it keeps several.</summary>
    string Name { get; }

    void Run(WorkingGraph graph, OptimizerContext context);
}
