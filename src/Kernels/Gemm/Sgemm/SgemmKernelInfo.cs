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
        SgemmKernelKind.Avx512x8x48 => Sgemm_8x48_Avx512.MR,
        SgemmKernelKind.Neon8x8 => 8,
        SgemmKernelKind.Bf16Bfmmla8x12 => Sbgemm.MR,
        SgemmKernelKind.Bf16Avx512x8x48 => Sbgemm_8x48_Avx512Bf16.MR,
        _ => 4,
    };

    /// <summary>Columns of C one micro-kernel call produces (the packed panel width).</summary>
    public static int Nr(SgemmKernelKind kind) => kind switch
    {
        SgemmKernelKind.Avx2Fma6x16 => 16,
        SgemmKernelKind.Avx512x8x48 => Sgemm_8x48_Avx512.NR,
        SgemmKernelKind.Neon8x8 => 8,
        SgemmKernelKind.Bf16Bfmmla8x12 => Sbgemm.NR,
        SgemmKernelKind.Bf16Avx512x8x48 => Sbgemm_8x48_Avx512Bf16.NR,
        _ => 8,
    };

    /// <summary>The micro-kernel's method name, which states its contract (tile, ISA).</summary>
    public static string Name(SgemmKernelKind kind) => kind switch
    {
        SgemmKernelKind.Avx2Fma6x16 => "Sgemm_6x16_Avx2Fma",
        SgemmKernelKind.Avx512x8x48 => Sgemm_8x48_Avx512.Name,
        SgemmKernelKind.Neon8x8 => "Sgemm_8x8_Neon",
        SgemmKernelKind.Bf16Bfmmla8x12 => Sbgemm.KernelName,
        SgemmKernelKind.Bf16Avx512x8x48 => Sbgemm_8x48_Avx512Bf16.Name,
        _ => "Sgemm_4x8_Scalar",
    };

    /// <summary>
    /// Whether <paramref name="kind"/> rounds its inputs to bf16 (fast-math) instead of computing in fp32. Such a kind
    /// is a precision choice: <see cref="Select"/> never returns one, <see cref="SelectFastMath"/> does.
    /// </summary>
    public static bool IsFastMath(SgemmKernelKind kind) => kind is SgemmKernelKind.Bf16Bfmmla8x12 or SgemmKernelKind.Bf16Avx512x8x48;

    /// <summary>The best kernel <paramref name="cpu"/> allows (its forced limit included) that this process can run.</summary>
    public static SgemmKernelKind Select(CpuFeatures cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        if (Sgemm_8x48_Avx512.IsSupported(cpu) && CanRun(SgemmKernelKind.Avx512x8x48))
            return SgemmKernelKind.Avx512x8x48;
        if (cpu.IsX64 && cpu.Avx2 && cpu.Fma && CanRun(SgemmKernelKind.Avx2Fma6x16))
            return SgemmKernelKind.Avx2Fma6x16;
        if (cpu.IsArm64 && cpu.AdvSimd && CanRun(SgemmKernelKind.Neon8x8))
            return SgemmKernelKind.Neon8x8;
        return SgemmKernelKind.Scalar;
    }

    /// <summary>
    /// The bf16 fast-math kernel <paramref name="cpu"/> allows (its forced limit included) that this process can run, or
    /// null with <paramref name="reason"/> naming the missing feature (Arm64 BF16, x86-64 AVX512-BF16). Pack constant
    /// weights for it with <see cref="Sgemm.PackB(ReadOnlySpan{float}, int, int, bool, SgemmKernelKind)"/>.
    /// </summary>
    public static SgemmKernelKind? SelectFastMath(CpuFeatures cpu, out string reason)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        string why = "";
        SgemmKernelKind? kind = cpu switch
        {
            { IsArm64: true } => Sbgemm.IsAvailable(cpu, out why) ? SgemmKernelKind.Bf16Bfmmla8x12 : null,
            { IsX64: true } => X64FastMath(cpu, out why),
            _ => Unavailable("bf16 fast-math needs an Arm64 CPU with BF16 or an x86-64 CPU with AVX512-BF16.", out why),
        };
        if (kind is { } chosen && !CanRun(chosen))
            return Unavailable($"bf16 fast-math kernel {Name(chosen)} cannot run in this process: the described CPU has {(chosen == SgemmKernelKind.Bf16Bfmmla8x12 ? "Arm64 BF16" : "x86-64 AVX512-BF16")}, the one this process runs on does not.", out reason);
        reason = why;
        return kind;
    }

    /// <summary>
    /// Whether this process can run <paramref name="kind"/>. The 128-bit kernel is written with portable
    /// Vector128 operations, so it also runs (slower) on x86 with FMA, which lets its tests run on either machine.
    /// </summary>
    public static bool CanRun(SgemmKernelKind kind) => kind switch
    {
        SgemmKernelKind.Avx2Fma6x16 => Avx2.IsSupported && Fma.IsSupported,
        SgemmKernelKind.Avx512x8x48 => Sgemm_8x48_Avx512.IsSupported(CpuFeatures.Detected),
        SgemmKernelKind.Neon8x8 => AdvSimd.Arm64.IsSupported || Fma.IsSupported,
        SgemmKernelKind.Bf16Bfmmla8x12 => Sbgemm.IsAvailable(CpuFeatures.Detected),
        SgemmKernelKind.Bf16Avx512x8x48 => Sbgemm_8x48_Avx512Bf16.IsSupported(CpuFeatures.Detected),
        _ => true,
    };

    private static SgemmKernelKind? X64FastMath(CpuFeatures cpu, out string reason)
    {
        if (!cpu.Avx512Bf16)
        {
            return Unavailable(cpu.Limit == IsaLevel.Native
                ? "bf16 fast-math on x86-64 needs AVX512-BF16 (VDPBF16PS), which this CPU lacks."
                : $"bf16 fast-math on x86-64 needs AVX512-BF16 (VDPBF16PS), which the ISA limit '{cpu.Limit}' turns off.", out reason);
        }
        if (!Sbgemm_8x48_Avx512Bf16.IsSupported(cpu))
            return Unavailable("bf16 fast-math on x86-64 emits its VDPBF16PS kernel at run time, which needs AVX-512 and Linux.", out reason);
        reason = "";
        return SgemmKernelKind.Bf16Avx512x8x48;
    }

    private static SgemmKernelKind? Unavailable(string why, out string reason)
    {
        reason = why;
        return null;
    }
}
