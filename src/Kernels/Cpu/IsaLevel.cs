namespace MlNetGraviton.Kernels;

/// <summary>
/// Instruction-set levels a caller may force the kernels down to, so every fallback runs on one machine.
/// x86 and Arm64 levels share one scale; a level of the other architecture simply masks nothing extra.
/// </summary>
public enum IsaLevel
{
    /// <summary>Plain scalar code only.</summary>
    Scalar = 0,
    /// <summary>Arm64 AdvSimd (NEON) without DotProd, I8MM or BF16.</summary>
    Neon = 10,
    /// <summary>Arm64 NEON + SDOT/UDOT.</summary>
    DotProd = 11,
    /// <summary>Arm64 NEON + SDOT + I8MM (SMMLA/UMMLA) + BF16 (BFMMLA): everything.</summary>
    Mmla = 12,
    /// <summary>x86-64 AVX2 + FMA.</summary>
    Avx2 = 20,
    /// <summary>x86-64 AVX2 + AVX-VNNI (256-bit).</summary>
    AvxVnni = 21,
    /// <summary>x86-64 AVX-512 F/BW (+ AVX-VNNI), without 512-bit VNNI or BF16.</summary>
    Avx512 = 22,
    /// <summary>x86-64 AVX-512 with VNNI, without BF16.</summary>
    Avx512Vnni = 23,
    /// <summary>Everything the CPU has.</summary>
    Native = 100,
}
