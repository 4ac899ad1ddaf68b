using MlNetGraviton.Runtime.Ops.Reduction;

namespace MlNetGraviton.Runtime.Ops.Fused;

/// <summary>
/// Ops that only the graviton optimizer writes (domain <see cref="Domain"/>): fused forms of subgraphs, such as a
/// MatMul with its bias and activation in one GEMM epilogue. Never read from files users hand in.
/// </summary>
internal static class FusedOps
{
    public const string Domain = "ai.mlnetgraviton";

    /// <summary>The opset the optimizer imports <see cref="Domain"/> at.</summary>
    public const int Version = 1;

    public static OpRegistry Register(OpRegistry registry) => registry
        .Add(Domain, MatMulEpilogueKernel.OpType, Version, Version, MatMulEpilogueKernel.Create)
        .Add(Domain, "MultiHeadAttention", Version, Version, Contrib.MultiHeadAttentionKernel.CreateDecomposedForm)
        .Add(Domain, "DynamicQuantizeMatMul", Version, Version, Quantized.DynamicQuantizeMatMulKernel.CreateWithActivation)
        // A fused LayerNorm in a graph whose ONNX opset predates LayerNormalization (17): the standard kernel, same contract.
        .Add(Domain, "LayerNormalization", Version, Version, LayerNormalizationKernel.Create);
}
