using MlNetGraviton.Kernels;

namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// bf16 fast-math GEMM: needs BF16 hardware (Arm64 BF16 / x86 AVX512-BF16). Until the SBGEMM engine is plugged in,
/// a CPU that has it gets "not available yet"; one that lacks it gets an error naming the missing feature.
/// </summary>
internal sealed class Bf16GemmBench : IGemmBenchPrecision
{
    public string Name => "bf16";

    public string Unit => "GFLOP/s";

    public string? Unavailable(CpuFeatures cpu)
    {
        if (cpu.IsArm64 && !cpu.Bf16)
            return "bf16 needs the Arm64 BF16 extension (BFMMLA), which this CPU lacks";
        if (cpu.IsX64 && !cpu.Avx512Bf16)
            return "bf16 needs AVX512-BF16, which this CPU lacks";
        if (!cpu.IsArm64 && !cpu.IsX64)
            return "bf16 needs Arm64 BF16 or x86 AVX512-BF16";
        return "bf16: not available yet (the SBGEMM engine has not been plugged into bench gemm)";
    }

    public IReadOnlyList<IGemmBenchEngine> CreateEngines(GemmShape shape, int threads, float[] a, float[] b) =>
        throw new NotSupportedException(Unavailable(CpuFeatures.Current));

    public (double Rate, string Description) MeasurePeak(int threads) =>
        throw new NotSupportedException(Unavailable(CpuFeatures.Current));
}
