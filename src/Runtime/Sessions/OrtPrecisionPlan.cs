using MlNetGraviton.Kernels;

namespace MlNetGraviton.Runtime;

/// <summary>What a precision request becomes on ONNX Runtime for a given CPU, and why.</summary>
internal sealed record OrtPrecisionPlan(Precision Chosen, bool Bf16FastMath, string Reason)
{
    public static OrtPrecisionPlan For(Precision requested, CpuFeatures cpu)
    {
        bool armBf16 = cpu.IsArm64 && cpu.Bf16;
        switch (requested)
        {
            case Precision.Float32:
                return new(Precision.Float32, false, "");
            case Precision.Auto:
                return armBf16
                    ? new(Precision.BFloat16, true, "auto: Arm64 CPU with BF16, using ONNX Runtime's bf16 fast-math GEMM")
                    : new(Precision.Float32, false, $"auto: {NoArmBf16(cpu)}, so fp32");
            case Precision.BFloat16:
                if (armBf16)
                    return new(Precision.BFloat16, true, "");
                throw new NotSupportedException(
                    $"ONNX Runtime's bf16 fast-math needs an Arm64 CPU with BF16 (BFMMLA); {NoArmBf16(cpu)}. " +
                    "Use --precision fp32 or auto (Precision.Float32 / Precision.Auto).");
            case Precision.Int8:
                throw new NotSupportedException(
                    "int8 on ONNX Runtime needs a quantized graph, and the quantizer is not available yet; " +
                    "use --precision fp32 (Precision.Float32).");
            default:
                throw new ArgumentOutOfRangeException(nameof(requested), requested, "unknown precision");
        }
    }

    private static string NoArmBf16(CpuFeatures cpu)
    {
        if (cpu.IsX64)
            return $"this CPU is x86-64 (AVX512-BF16 {(cpu.Avx512Bf16 ? "present" : "absent")}; ONNX Runtime's bf16 fast-math is Arm64-only)";
        if (cpu.IsArm64)
            return "this Arm64 CPU has no BF16 (FEAT_BF16) or it is disabled by the ISA limit";
        return $"this CPU is {cpu.ModelName}, not Arm64";
    }
}
