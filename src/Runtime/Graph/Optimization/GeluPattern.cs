using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// Finds a decomposed GELU applied to value y: the erf form y·0.5·(1 + erf(y/√2)) and the tanh form
/// 0.5·y·(1 + tanh(√(2/π)·(y + 0.044715·y³))), with the three factors multiplied in any order. Every consumer of y
/// and every intermediate must belong to the pattern, so nothing outside it loses a value it reads.
/// </summary>
internal static class GeluPattern
{
    private const float Tolerance = 1e-4f;

    public sealed record Match(GemmActivation Activation, GraphNode Final, IReadOnlyList<GraphNode> Nodes);

    public static Match? Find(string y, WorkingGraph graph, ValueIndex index)
    {
        if (graph.IsGraphOutput(y))
            return null;
        var nodes = new List<GraphNode>();
        GemmActivation activation;
        string? onePlus = ErfBranch(y, graph, index, nodes);
        if (onePlus is not null)
            activation = GemmActivation.GeluErf;
        else
        {
            nodes.Clear();
            onePlus = TanhBranch(y, graph, index, nodes);
            if (onePlus is null)
                return null;
            activation = GemmActivation.GeluTanh;
        }

        // Walk down the Mul chain from (1 + f) until the product is exactly y · 0.5 · (1 + f).
        GraphNode? step = SingleConsumer(onePlus, "Mul", graph, index);
        for (int depth = 0; step is not null && depth < 3; depth++)
        {
            var factors = new List<string>();
            var muls = new List<GraphNode>();
            Flatten(step.Outputs[0], graph, index, factors, muls, top: true);
            if (factors.Count == 3 && factors.Remove(y) && factors.Remove(onePlus) && IsScalar(graph, factors[0], 0.5f))
            {
                nodes.AddRange(muls);
                var inPattern = nodes.ToHashSet();
                // y and every intermediate are read only inside the pattern; only the final product leaves it.
                if (!index.Consumers(y).All(inPattern.Contains))
                    return null;
                foreach (GraphNode n in nodes)
                    if (n != step && (graph.IsGraphOutput(n.Outputs[0]) || !index.Consumers(n.Outputs[0]).All(inPattern.Contains)))
                        return null;
                return new Match(activation, step, nodes);
            }
            step = SingleConsumer(step.Outputs[0], "Mul", graph, index);
        }
        return null;
    }

    private static string? ErfBranch(string y, WorkingGraph graph, ValueIndex index, List<GraphNode> nodes)
    {
        foreach (GraphNode scale in index.Consumers(y))
        {
            bool divides = Is(scale, "Div") && scale.Inputs[0] == y && IsScalar(graph, scale.Inputs[1], MathF.Sqrt(2f));
            bool multiplies = Is(scale, "Mul") && Other(scale, y) is { } c && IsScalar(graph, c, 1f / MathF.Sqrt(2f));
            if (!divides && !multiplies)
                continue;
            if (SingleConsumer(scale.Outputs[0], "Erf", graph, index) is not { } erf
                || SingleConsumer(erf.Outputs[0], "Add", graph, index) is not { } add
                || Other(add, erf.Outputs[0]) is not { } one || !IsScalar(graph, one, 1f))
                continue;
            nodes.AddRange([scale, erf, add]);
            return add.Outputs[0];
        }
        return null;
    }

    private static string? TanhBranch(string y, WorkingGraph graph, ValueIndex index, List<GraphNode> nodes)
    {
        foreach (GraphNode pow in index.Consumers(y))
        {
            if (!Is(pow, "Pow") || pow.Inputs[0] != y || !IsScalar(graph, pow.Inputs[1], 3f))
                continue;
            if (SingleConsumer(pow.Outputs[0], "Mul", graph, index) is not { } cubeScaled
                || Other(cubeScaled, pow.Outputs[0]) is not { } c1 || !IsScalar(graph, c1, 0.044715f)
                || SingleConsumer(cubeScaled.Outputs[0], "Add", graph, index) is not { } inner || Other(inner, cubeScaled.Outputs[0]) != y
                || SingleConsumer(inner.Outputs[0], "Mul", graph, index) is not { } scaled
                || Other(scaled, inner.Outputs[0]) is not { } c2 || !IsScalar(graph, c2, MathF.Sqrt(2f / MathF.PI))
                || SingleConsumer(scaled.Outputs[0], "Tanh", graph, index) is not { } tanh
                || SingleConsumer(tanh.Outputs[0], "Add", graph, index) is not { } add
                || Other(add, tanh.Outputs[0]) is not { } one || !IsScalar(graph, one, 1f))
                continue;
            nodes.AddRange([pow, cubeScaled, inner, scaled, tanh, add]);
            return add.Outputs[0];
        }
        return null;
    }

    /// <summary>The factors of a product of Muls whose intermediate results are used once (the top one may be used anywhere).</summary>
    private static void Flatten(string value, WorkingGraph graph, ValueIndex index, List<string> factors, List<GraphNode> muls, bool top)
    {
        if (factors.Count > 3 || index.ProducerIs(value, "Mul") is not { } mul || (!top && !index.SingleUse(value)))
        {
            factors.Add(value);
            return;
        }
        muls.Add(mul);
        Flatten(mul.Inputs[0], graph, index, factors, muls, top: false);
        Flatten(mul.Inputs[1], graph, index, factors, muls, top: false);
    }

    private static bool Is(GraphNode n, string opType) => n.Domain.Length == 0 && n.OpType == opType && n.Inputs.Length == 2;

    private static string? Other(GraphNode binary, string value) =>
        binary.Inputs[0] == value ? binary.Inputs[1] : binary.Inputs[1] == value ? binary.Inputs[0] : null;

    private static GraphNode? SingleConsumer(string value, string opType, WorkingGraph graph, ValueIndex index) =>
        index.SingleUse(value) && index.Consumers(value)[0] is { } c && c.Domain.Length == 0 && c.OpType == opType ? c : null;

    /// <summary>A float constant holding one value (any shape of one element) close to <paramref name="expected"/>.</summary>
    public static bool IsScalar(WorkingGraph graph, string value, float expected) =>
        graph.ConstantOf(value) is { ElementType: TensorElementType.Float32, ElementCount: 1 } t
        && MathF.Abs(t.AsSpan<float>()[0] - expected) <= Tolerance * MathF.Max(1f, MathF.Abs(expected));
}
