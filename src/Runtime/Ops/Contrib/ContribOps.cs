namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// ONNX Runtime's transformer contrib ops (domain com.microsoft) that ORT's graph optimizer writes into optimized
/// graphs (FusedMatMul, BiasGelu, FastGelu, FusedGemm for our exports; LayerNormalization below opset 17) and that fused
/// graphs use (Attention, SkipLayerNormalization). Each entry names the contrib opset range its kernel follows (ORT ships com.microsoft at opset 1).
/// </summary>
internal static class ContribOps
{
    public const string Domain = "com.microsoft";

    public static OpRegistry Register(OpRegistry registry) => registry
        .Add(Domain, "Attention", 1, 1, AttentionKernel.Create)
        .Add(Domain, "MultiHeadAttention", 1, 1, MultiHeadAttentionKernel.Create)
        .Add(Domain, "EmbedLayerNormalization", 1, 1, EmbedLayerNormalizationKernel.Create)
        .Add(Domain, "SkipLayerNormalization", 1, 1, c => SkipLayerNormalizationKernel.Create(c, simplified: false))
        .Add(Domain, "SkipSimplifiedLayerNormalization", 1, 1, c => SkipLayerNormalizationKernel.Create(c, simplified: true))
        .Add(Domain, "FusedMatMul", 1, 1, FusedMatMulKernel.Create)
        .Add(Domain, "FusedGemm", 1, 1, FusedGemmKernel.Create)
        .Add(Domain, "Gelu", 1, 1, GeluKernel.Gelu)
        .Add(Domain, "BiasGelu", 1, 1, GeluKernel.BiasGelu)
        .Add(Domain, "FastGelu", 1, 1, GeluKernel.FastGelu)
        .Add(Domain, "QuickGelu", 1, 1, GeluKernel.QuickGelu)
        // ORT registers its own LayerNormalization in the default domain below opset 17 (before ONNX had one) and its
        // LayerNormFusion writes it into opset 11-16 graphs such as the real all-MiniLM-L6-v2 (opset 13). Same
        // semantics as ONNX's opset 17 op, so the standard kernel serves it.
        .Add("", "LayerNormalization", 1, 16, Reduction.LayerNormalizationKernel.Create);
}
