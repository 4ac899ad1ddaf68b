using MlNetGraviton.Kernels;
using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Graph.Optimization;
using MlNetGraviton.Runtime.Ops;

namespace MlNetGraviton.Runtime.Tests.Graviton.Optimization;

/// <summary>Shorthands: optimize a file with the standard registry; count ops in a graph; run ONNX Runtime on a written graph.</summary>
internal static class Optimized
{
    public static OptimizationResult Of(string path, GraphOptimizerOptions? options = null) =>
        GraphOptimizer.Optimize(OnnxGraphLoader.Load(path), OpRegistry.Standard, CpuFeatures.Current, options);

    public static int Count(OnnxGraph graph, string opType, string? domain = null) =>
        graph.Nodes.Count(n => n.OpType == opType && (domain is null || n.Domain == domain));

    /// <summary>Writes the optimized graph as ONNX and runs it on ONNX Runtime: an independent check of the rewrite.</summary>
    public static IReadOnlyDictionary<string, Tensor> RunOnOrt(OnnxGraph graph, TempFolder folder, IReadOnlyDictionary<string, Tensor> inputs)
    {
        string path = folder.File($"optimized-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, OnnxGraphWriter.WriteBytes(graph));
        return OrtReference.Run(path, inputs);
    }

    public static void AllParity(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual, string what)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            TensorAssert.Parity(tensor, actual[name], $"{what} {name}");
    }
}
