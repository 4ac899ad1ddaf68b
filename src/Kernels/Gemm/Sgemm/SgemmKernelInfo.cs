using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>Tile geometry, name and availability of each <see cref="SgemmKernelKind"/>.</summary>
public static class SgemmKernelInfo
{
    /// <summary>Rows of C one micro-kernel call produces.</summary>
    public static int Mr(SgemmKernelKind kind) => kind switch
    {
        SgemmKernelKind.Avx2Fma6x16 => 6,
        SgemmKernelKind.Neon8x8 => 8,
        _ => 4,
    };

    /// <summary>Columns of C one micro-kernel call produces (the packed panel width).</summary>
    public static int Nr(SgemmKernelKind kind) => kind switch
    {
        SgemmKernelKind.Avx2Fma6x16 => 16,
        SgemmKernelKind.Neon8x8 => 8,
        _ => 8,
    };

    /// <summary>The micro-kernel's method name, which states its contract (tile, ISA).</summary>
    public static string Name(SgemmKernelKind kind) => kind switch
    {
        SgemmKernelKind.Avx2Fma6x16 => "Sgemm_6x16_Avx2Fma",
        SgemmKernelKind.Neon8x8 => "Sgemm_8x8_Neon",
        _ => "Sgemm_4x8_Scalar",
    };

    /// <summary>The best kernel <paramref name="cpu"/> allows (its forced limit included) that this process can run.</summary>
    public static SgemmKernelKind Select(CpuFeatures cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        if (cpu.IsX64 && cpu.Avx2 && cpu.Fma && CanRun(SgemmKernelKind.Avx2Fma6x16))
            return SgemmKernelKind.Avx2Fma6x16;
        if (cpu.IsArm64 && cpu.AdvSimd && CanRun(SgemmKernelKind.Neon8x8))
            return SgemmKernelKind.Neon8x8;
        return SgemmKernelKind.Scalar;
    }

    /// <summary>
    /// Whether this process can run <paramref name="kind"/>. The 128-bit kernel is written with portable
    /// Vector128 operations, so it also runs (slower) on x86 with FMA, which lets its tests run on either machine.
    /// </summary>
    public static bool CanRun(SgemmKernelKind kind) => kind switch
    {
        SgemmKernelKind.Avx2Fma6x16 => Avx2.IsSupported && Fma.IsSupported,
        SgemmKernelKind.Neon8x8 => AdvSimd.Arm64.IsSupported || Fma.IsSupported,
        _ => true,
    };
}
