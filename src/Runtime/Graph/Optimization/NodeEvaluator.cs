using MlNetGraviton.Runtime.Execution;
using MlNetGraviton.Runtime.Ops;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// Runs one node once, at load, through the same kernel the plan would use, on constant inputs. A failure is not an
/// error here: the node is left in the graph and fails (with its run-time message) only if it is ever run.
/// </summary>
internal static class NodeEvaluator
{
    public static Tensor[]? TryRun(GraphNode node, WorkingGraph graph, OptimizerContext context)
    {
        long opset = graph.OpsetOf(node.Domain);
        if (!context.Registry.TryGet(node.Domain, node.OpType, opset, out OpFactory factory))
            return null;
        var values = new Tensor?[node.Inputs.Length + node.Outputs.Length];
        int[] inputs = new int[node.Inputs.Length];
        for (int i = 0; i < node.Inputs.Length; i++)
        {
            if (node.Inputs[i].Length == 0)
            {
                inputs[i] = -1;
                continue;
            }
            inputs[i] = i;
            values[i] = graph.ConstantOf(node.Inputs[i]);
            if (values[i] is null)
                return null;
        }
        int[] outputs = Enumerable.Range(0, node.Outputs.Length)
            .Select(o => node.Outputs[o].Length == 0 ? -1 : node.Inputs.Length + o).ToArray();
        try
        {
            OpKernel kernel = factory(new OpLoadContext(node, opset, graph.Constants, context.Cpu));
            var run = new OpContext(values, new TensorPool(), new HashSet<Array>(ReferenceEqualityComparer.Instance), threads: 1);
            run.Point(inputs, outputs);
            kernel.Run(run);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException
                                      or OverflowException or DivideByZeroException or NotSupportedException
                                      or OnnxModelException or UnsupportedOperatorException)
        {
            return null;
        }
        var results = new Tensor[node.Outputs.Length];
        for (int o = 0; o < results.Length; o++)
        {
            if (outputs[o] < 0)
                continue;
            if (values[outputs[o]] is not { } t)
                return null;
            results[o] = t;
        }
        return results;
    }
}
