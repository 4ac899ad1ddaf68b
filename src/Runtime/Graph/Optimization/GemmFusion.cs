using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Runtime.Ops.Fused;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// MatMul(x, constant B) + Add(constant bias [N]) [+ GELU, decomposed (erf or tanh form) or as a com.microsoft
/// Gelu / FastGelu / BiasGelu node] → one MatMulEpilogue node: SGEMM with B packed once and bias / GELU in the epilogue.
/// B may also be Transpose(constant) (GPT-2's tied LM head): it is packed transposed, never stored transposed.
/// A MatMul by a transposed weight fuses even without a bias; a plain MatMul by a constant is left alone (it is
/// already prepacked).
/// </summary>
internal sealed class GemmFusion : IGraphPass
{
    public string Name => PassNames.Gemm;

    public void Run(WorkingGraph graph, OptimizerContext context)
    {
        ValueIndex index = graph.Index();
        var removed = new HashSet<GraphNode>();
        var added = new List<GraphNode>();
        foreach (GraphNode matMul in graph.Nodes)
        {
            if (matMul.Domain.Length != 0 || matMul.OpType != "MatMul" || matMul.Inputs.Length != 2 || removed.Contains(matMul))
                continue;
            if (Weight(matMul.Inputs[1], graph, index) is not { } found)
                continue;
            var (weight, transB, transpose) = found;
            int n = (int)weight.Dimension(transB ? 0 : 1);
            var nodes = new List<GraphNode> { matMul };
            string output = matMul.Outputs[0];
            string? bias = null;
            var activation = GemmActivation.None;

            if (index.SingleUse(output) && index.Consumers(output)[0] is { Domain: "", OpType: "Add" } add && add.Inputs.Length == 2
                && (add.Inputs[0] == output ? add.Inputs[1] : add.Inputs[0]) is var b && IsBias(graph, b, n))
            {
                nodes.Add(add);
                bias = b;
                output = add.Outputs[0];
                if (GeluPattern.Find(output, graph, index) is { } gelu)
                {
                    nodes.AddRange(gelu.Nodes);
                    activation = gelu.Activation;
                    output = gelu.Final.Outputs[0];
                }
                else if (ContribGelu(output, null, graph, index, n) is { } contrib)
                {
                    nodes.Add(contrib.Node);
                    activation = contrib.Activation;
                    output = contrib.Node.Outputs[0];
                }
            }
            else if (ContribGelu(output, matMul, graph, index, n) is { Bias: not null } contrib)
            {
                // BiasGelu(x·W, bias) / FastGelu(x·W, bias): the contrib node carries the bias.
                nodes.Add(contrib.Node);
                bias = contrib.Bias;
                activation = contrib.Activation;
                output = contrib.Node.Outputs[0];
            }
            if (bias is null && transpose is null)
                continue;
            if (nodes.Any(removed.Contains))
                continue;

            var inputs = bias is null ? new[] { matMul.Inputs[0], WeightName(matMul, transpose) } : [matMul.Inputs[0], WeightName(matMul, transpose), bias];
            added.Add(NewNode.Create(matMul.Name + "/fused_gemm", MatMulEpilogueKernel.OpType, FusedOps.Domain, inputs, [output],
                NewNode.Int("transB", transB ? 1 : 0),
                NewNode.String("activation", activation switch
                {
                    GemmActivation.GeluErf => "gelu_erf",
                    GemmActivation.GeluTanh => "gelu_tanh",
                    _ => "none",
                })));
            removed.UnionWith(nodes);
            context.Count(bias is null ? PassNames.GemmTransposed : activation == GemmActivation.None ? PassNames.Gemm : PassNames.GemmGelu);
        }
        if (added.Count == 0)
            return;
        graph.Import(FusedOps.Domain, FusedOps.Version);
        graph.Replace(removed, added);
    }

    /// <summary>B as a constant float matrix, directly or through Transpose(perm [1, 0]) of one.</summary>
    private static (Tensor Weight, bool TransB, GraphNode? Transpose)? Weight(string b, WorkingGraph graph, ValueIndex index)
    {
        if (graph.ConstantOf(b) is { ElementType: TensorElementType.Float32, Rank: 2 } direct && direct.Dimension(0) > 0)
            return (direct, false, null);
        if (index.ProducerIs(b, "Transpose") is { } t && graph.ConstantOf(t.Inputs[0]) is { ElementType: TensorElementType.Float32, Rank: 2 } w
            && (t.Attributes.GetInts("perm") ?? [1, 0]) is [1, 0] && w.Dimension(1) > 0)
            return (w, true, t);
        return null;
    }

    private static string WeightName(GraphNode matMul, GraphNode? transpose) => transpose is null ? matMul.Inputs[1] : transpose.Inputs[0];

    private static bool IsBias(WorkingGraph graph, string value, int n) =>
        graph.ConstantOf(value) is { ElementType: TensorElementType.Float32, Rank: 1 } t && t.Dimension(0) == n;

    /// <summary>A com.microsoft Gelu / FastGelu / BiasGelu reading <paramref name="x"/> as its only consumer, with its bias if it has one.</summary>
    private static (GraphNode Node, GemmActivation Activation, string? Bias)? ContribGelu(string x, GraphNode? matMul, WorkingGraph graph, ValueIndex index, int n)
    {
        if (!index.SingleUse(x) || index.Consumers(x)[0] is not { Domain: "com.microsoft" } g || g.Inputs[0] != x)
            return null;
        string? bias = g.HasInput(1) ? g.Inputs[1] : null;
        if (bias is not null && (matMul is null || !IsBias(graph, bias, n)))
            return null;
        return g.OpType switch
        {
            "Gelu" when bias is null => (g, GemmActivation.GeluErf, null),
            "BiasGelu" when bias is not null => (g, GemmActivation.GeluErf, bias),
            "FastGelu" => (g, GemmActivation.GeluTanh, bias),
            _ => null,
        };
    }
}
