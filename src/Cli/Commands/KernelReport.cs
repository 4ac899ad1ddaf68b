using MlNetGraviton.Kernels;

namespace MlNetGraviton.Cli.Commands;

/// <summary>Says which implementation serves each precision today; grows as the project's kernels land.</summary>
internal static class KernelReport
{
    public static IEnumerable<string> Describe(CpuFeatures cpu)
    {
        yield return $"engine ort: ONNX Runtime {OrtVersion()} (MLAS kernels)";
        yield return "  fp32: MLAS SGEMM";
        yield return cpu.IsArm64 && cpu.Bf16
            ? "  bf16: MLAS fast-math SBGEMM (BFMMLA), session option mlas.enable_gemm_fastmath_arm64_bfloat16"
            : $"  bf16: unavailable ({(cpu.IsArm64 ? "this Arm64 CPU has no BF16" : "ONNX Runtime's bf16 fast-math is Arm64-only")})";
        yield return "  int8: needs a quantized graph (the quantizer comes with the runtime issue)";
        yield return "engine graviton: not available yet (the project's own kernels and session are under way)";
    }

    private static string OrtVersion() => Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString();
}
