namespace MlNetGraviton.Kernels.Gemm;

/// <summary>The SGEMM micro-kernels; <see cref="SgemmPackedB"/> is packed for exactly one of them.</summary>
public enum SgemmKernelKind
{
    /// <summary><c>Sgemm_4x8_Scalar</c>: plain C#, any CPU.</summary>
    Scalar,
    /// <summary><c>Sgemm_6x16_Avx2Fma</c>: x86-64 Vector256 + FMA, 12 ymm accumulators.</summary>
    Avx2Fma6x16,
    /// <summary><c>Sgemm_8x8_Neon</c>: 128-bit vectors (Arm64 AdvSimd FMLA; also runs on x86 for testing).</summary>
    Neon8x8,
}
