namespace MlNetGraviton.Kernels.Gemm;

/// <summary>Activation a GEMM epilogue applies to each output element after alpha, bias and accumulation.</summary>
public enum GemmActivation
{
    /// <summary>No activation.</summary>
    None = 0,
    /// <summary>GELU, exact form: x·Φ(x) = 0.5·x·(1 + erf(x/√2)).</summary>
    GeluErf = 1,
    /// <summary>GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    GeluTanh = 2,
}
