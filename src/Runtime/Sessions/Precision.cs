namespace MlNetGraviton.Runtime;

/// <summary>The arithmetic a session computes matrix products in.</summary>
public enum Precision
{
    Float32,

    /// <summary>bf16 fast-math GEMM (fp32 accumulation); needs BF16 hardware.</summary>
    BFloat16,

    /// <summary>Dynamic int8 quantization of the matrix products.</summary>
    Int8,

    /// <summary>The fastest precision this CPU serves, falling back to Float32; the choice is reported.</summary>
    Auto,
}
