namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>The passes' names, as descriptions print them and options turn them off.</summary>
internal static class PassNames
{
    public const string DeadNodes = "dead nodes";
    public const string ConstantFolding = "constant folding";
    public const string ShapeFolding = "shape folding";
    public const string Gemm = "gemm+bias";
    public const string GemmGelu = "gemm+bias+gelu";
    public const string GemmTransposed = "gemm by transposed weight";
    public const string LayerNorm = "layernorm";
    public const string SkipLayerNorm = "skip+layernorm";
    public const string Attention = "attention";
    public const string MultiHeadAttention = "multi-head attention";
    public const string Gelu = "gelu";
    public const string QuantizedGemmGelu = "int8 gemm+gelu";
    public const string QuantizedQkv = "int8 qkv gemm";

    /// <summary>Fusion counters in the order descriptions list them.</summary>
    public static readonly string[] Fusions = [Attention, MultiHeadAttention, QuantizedQkv, GemmGelu, Gemm, GemmTransposed, QuantizedGemmGelu, Gelu, LayerNorm, SkipLayerNorm];
}
