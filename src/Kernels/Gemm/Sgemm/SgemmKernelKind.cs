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
    /// <summary>
    /// <c>Sbgemm_8x12_Bfmmla</c>: bf16 fast-math (Arm64 BF16, emitted BFMMLA). A and B are rounded to bf16, products
    /// accumulate in fp32; <see cref="Sgemm.Run"/> hands a B packed for it to the <see cref="Sbgemm"/> driver.
    /// Picked only on request, through <see cref="SgemmKernelInfo.SelectFastMath"/>, never by <see cref="SgemmKernelInfo.Select"/>.
    /// </summary>
    Bf16Bfmmla8x12,
    /// <summary>
    /// <c>Sbgemm_8x48_Avx512Bf16</c>: bf16 fast-math on x86-64 (AVX512-BF16, emitted VDPBF16PS). A and B are rounded to
    /// bf16, products accumulate in fp32; <see cref="Sgemm.Run"/> hands a B packed for it to that kernel's driver.
    /// Picked only on request, through <see cref="SgemmKernelInfo.SelectFastMath"/>.
    /// </summary>
    Bf16Avx512x8x48,
    /// <summary>
    /// <c>Sgemm_8x48_Avx512</c>: x86-64 AVX-512F, emitted VFMADD231PS zmm 8×48 micro-kernel (24 accumulators), A read in
    /// place, B packed in one K block of 48-column panels.
    /// </summary>
    Avx512x8x48,
}
