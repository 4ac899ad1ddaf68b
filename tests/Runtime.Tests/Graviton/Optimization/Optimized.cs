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

    /// <summary>
    /// Parity on the [batch, sequence] positions the mask keeps, for every output of rank ≥ 3. GPT-2's left-padded
    /// positions attend to no valid key: Hugging Face's Where/Add form spreads them over masked keys, ORT's and our fused
    /// causal attention over the keys up to the position, so those rows differ by construction and no valid row reads them.
    /// </summary>
    public static void ParityAtValidPositions(
        IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual, Tensor mask, string what)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            TensorAssert.Parity(ValidPositions(tensor, mask), ValidPositions(actual[name], mask), $"{what} {name} (valid positions)");
    }

    /// <summary>The rows [b, s, :] of a [B, S, ...] tensor where the [B, S] mask is non-zero, as [count, row].</summary>
    public static Tensor ValidPositions(Tensor t, Tensor mask)
    {
        long positions = mask.Dimension(0) * mask.Dimension(1);
        Assert.True(t.Rank >= 3 && t.Dimension(0) * t.Dimension(1) == positions, $"{t} is not [batch, sequence, ...] for mask {mask}");
        int row = (int)(t.ElementCount / positions);
        ReadOnlySpan<long> keep = mask.AsSpan<long>();
        ReadOnlySpan<float> values = t.AsSpan<float>();
        var kept = new List<float>();
        for (int p = 0; p < keep.Length; p++)
            if (keep[p] != 0)
                kept.AddRange(values.Slice(p * row, row));
        return Tensor.Create(kept.ToArray(), kept.Count / row, row);
    }

    /// <summary>Parity of every output of a src/Models graph, except at GPT-2's left-padded positions (see <see cref="ParityAtValidPositions"/>).</summary>
    public static void TransformerParity(Models.TransformerArchitecture arch, IReadOnlyDictionary<string, Tensor> expected,
        IReadOnlyDictionary<string, Tensor> actual, IReadOnlyDictionary<string, Tensor> inputs, string what)
    {
        if (arch == Models.TransformerArchitecture.Gpt2)
            ParityAtValidPositions(expected, actual, inputs["attention_mask"], what);
        else
            AllParity(expected, actual, what);
    }

    public static void AllParity(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual, string what)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            TensorAssert.Parity(tensor, actual[name], $"{what} {name}");
    }
}
