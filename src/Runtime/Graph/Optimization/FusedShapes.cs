using MlNetGraviton.Runtime.Ops.Contrib;
using MlNetGraviton.Runtime.Ops.Fused;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// Shape inference over a graph that already holds fused nodes. Load-time inference follows only default-domain ops,
/// so each fused node is shown to it as the plain op with the same output shape: a fused-domain LayerNormalization as
/// LayerNormalization, MatMulEpilogue (B not transposed) as MatMul(x, B), SkipLayerNormalization as Identity of its
/// input, a self-Attention whose output width equals its input width as Identity of its input, a GELU as Identity, and
/// MultiHeadAttention as Add(query, value) (the packed form over the merged int8 projection of x as Identity of x).
/// </summary>
internal static class FusedShapes
{
    public static Dictionary<string, SymbolicShape> Infer(WorkingGraph graph)
    {
        OnnxGraph real = graph.ToGraph();
        var nodes = real.Nodes.Select(n => AsPlain(n, graph) ?? n).ToList();
        return ShapeInference.Infer(new OnnxGraph
        {
            Source = real.Source,
            Opsets = real.Opsets,
            Nodes = nodes,
            Constants = real.Constants,
            Inputs = real.Inputs,
            Outputs = real.Outputs,
            DeclaredValues = real.DeclaredValues,
        });
    }

    private static GraphNode? AsPlain(GraphNode node, WorkingGraph graph)
    {
        if (!node.HasOutput(0) || !node.HasInput(0))
            return null;
        string[] output = [node.Outputs[0]];
        return (node.Domain, node.OpType) switch
        {
            (FusedOps.Domain, "LayerNormalization") => Plain(node, "LayerNormalization", [node.Inputs[0]], output),
            (FusedOps.Domain, "MatMulEpilogue") when node.Attributes.GetInt("transB", 0) == 0 && node.HasInput(1) =>
                Plain(node, "MatMul", [node.Inputs[0], node.Inputs[1]], output),
            (ContribOps.Domain, "SkipLayerNormalization" or "SkipSimplifiedLayerNormalization") => Plain(node, "Identity", [node.Inputs[0]], output),
            (ContribOps.Domain, "Attention") when node.HasInput(1) && !node.Attributes.Has("qkv_hidden_sizes")
                && graph.ConstantOf(node.Inputs[1]) is { Rank: 2 } w && w.Dimension(1) == 3 * w.Dimension(0) =>
                Plain(node, "Identity", [node.Inputs[0]], output),
            (ContribOps.Domain, "Gelu" or "FastGelu" or "BiasGelu" or "QuickGelu") => Plain(node, "Identity", [node.Inputs[0]], output),
            // [B, S, D] and value [B, T, Dv]: Add gives [B, S, Dv] for self-attention (T = S) and one key (T = 1) with Dv = D,
            // and no shape when they do not broadcast, so no later pass acts on a wrong one.
            (ContribOps.Domain or FusedOps.Domain, "MultiHeadAttention") when node.HasInput(2) => Plain(node, "Add", [node.Inputs[0], node.Inputs[2]], output),
            // Packed Q, K, V [B, S, 3D] from the merged quantized projection of x [B, S, D]: the output has x's shape.
            (FusedOps.Domain, "MultiHeadAttention") when node.Attributes.GetInt(MultiHeadAttentionKernel.PackedQkvAttribute, 0) != 0
                && graph.Nodes.FirstOrDefault(n => n.Outputs.Contains(node.Inputs[0])) is { OpType: "DynamicQuantizeMatMul" } projection =>
                Plain(node, "Identity", [projection.Inputs[0]], output),
            (FusedOps.Domain, "DynamicQuantizeMatMul") => NewNode.Create(node.Name, "DynamicQuantizeMatMul", ContribOps.Domain, node.Inputs, output),
            _ => null,
        };
    }

    private static GraphNode Plain(GraphNode node, string opType, string[] inputs, string[] outputs) =>
        NewNode.Create(node.Name, opType, "", inputs, outputs);
}
