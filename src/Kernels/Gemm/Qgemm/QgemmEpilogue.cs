namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// The fused dequantize epilogue of <see cref="Qgemm"/>: C[i, j] = float(Σ (a − za)(b − zb)) · (AScale · BScales[j])
/// + Bias[j], then <see cref="Activation"/>, applied while the tile is hot, as ORT's DynamicQuantizeMatMul /
/// MatMulIntegerToFloat compute it (plus a following GELU when fused).
/// </summary>
public readonly struct QgemmEpilogue
{
    /// <summary>Scale of the quantized A (per tensor).</summary>
    public float AScale { get; init; }

    /// <summary>Scales of B: length 1 (per tensor) or N (per column).</summary>
    public ReadOnlyMemory<float> BScales { get; init; }

    /// <summary>Bias per column (length N), or empty for none.</summary>
    public ReadOnlyMemory<float> Bias { get; init; }

    /// <summary>Activation applied last (the SGEMM epilogue's GELU forms and accuracy).</summary>
    public GemmActivation Activation { get; init; }
}
