using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Cli.Commands;

/// <summary>Says which implementation serves each precision, for the project's kernels and for ONNX Runtime.</summary>
internal static class KernelReport
{
    public static IEnumerable<string> Describe(CpuFeatures cpu)
    {
        yield return "kernels (project, picked for this CPU and limit):";
        yield return $"  fp32 SGEMM:  {SgemmKernelInfo.Name(SgemmKernelInfo.Select(cpu))}";
        IReadOnlyList<string> qgemm = Qgemm.SupportedKernels(cpu);
        yield return $"  int8 QGEMM:  {qgemm[0]}" + (qgemm.Count > 1 ? $" (fallbacks: {string.Join(", ", qgemm.Skip(1))})" : "");
        yield return SgemmKernelInfo.SelectFastMath(cpu, out string reason) is { } bf16
            ? $"  bf16 fast-math: {SgemmKernelInfo.Name(bf16)} (--precision bf16 on the graviton engine)"
            : $"  bf16 fast-math: unavailable: {reason}";
        yield return $"engine ort: ONNX Runtime {OrtVersion()} (MLAS kernels)";
        yield return "  fp32: MLAS SGEMM";
        yield return cpu.IsArm64 && cpu.Bf16
            ? "  bf16: MLAS fast-math SBGEMM (BFMMLA), session option mlas.enable_gemm_fastmath_arm64_bfloat16"
            : $"  bf16: unavailable ({(cpu.IsArm64 ? "this Arm64 CPU has no BF16" : "ONNX Runtime's bf16 fast-math is Arm64-only")})";
        yield return "  int8: runs quantized graphs (DynamicQuantizeLinear + MatMulInteger, as `mlnetgraviton quantize` writes them)";
    }

    private static string OrtVersion() => Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString();
}
