using System.Runtime.InteropServices;

namespace MlNetGraviton.Arm64.Tests;

/// <summary>
/// Checks detection against the CPU model QEMU emulates, named by <c>MLNETGRAVITON_EXPECT_CPU</c>
/// (set by scripts/arm64/test.sh for each <c>-cpu</c> run).
/// </summary>
public sealed class CpuModelTests
{
    [Fact]
    public void DetectedFeaturesAreThoseOfTheEmulatedModel()
    {
        ExpectedCpu expected = ExpectedCpu.FromEnvironment();
        CpuFeatures cpu = CpuFeatures.Detected;
        Assert.True(cpu.IsArm64, $"expected an Arm64 process, got {RuntimeInformation.ProcessArchitecture}");
        Assert.True(cpu.AdvSimd, "every Armv8-A model has AdvSimd");
        Assert.Equal(expected.DotProd, cpu.DotProd);
        Assert.Equal(expected.I8mm, cpu.I8mm);
        Assert.Equal(expected.Bf16, cpu.Bf16);
    }

    [Fact]
    public void Bf16GemmIsAvailableExactlyWhereTheModelHasBf16()
    {
        ExpectedCpu expected = ExpectedCpu.FromEnvironment();
        bool available = MlNetGraviton.Kernels.Gemm.Sbgemm.IsAvailable(CpuFeatures.Current, out string reason);
        Assert.Equal(expected.Bf16, available);
        if (!available)
            Assert.Contains("BF16", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DispatchTablesPickTheModelsBestFamilies()
    {
        ExpectedCpu expected = ExpectedCpu.FromEnvironment();
        string int8 = MlNetGraviton.Kernels.Gemm.Qgemm.PackB(new sbyte[4], 2, 2, [0], CpuFeatures.Current).KernelName;
        string wantInt8 = expected.I8mm ? "Qgemm_U8S8_8x8_I8mm" : expected.DotProd ? "Qgemm_S8S8_8x8_Dot" : "Qgemm_U8S8_8x8_Neon";
        Assert.Equal(wantInt8, int8);
        IReadOnlyList<string> int8Supported = MlNetGraviton.Kernels.Gemm.Qgemm.SupportedKernels(CpuFeatures.Current);
        Assert.Equal(expected.I8mm, int8Supported.Contains("Qgemm_S8S8_8x8_I8mm"));
        Assert.Equal(expected.DotProd, int8Supported.Contains("Qgemm_S8S8_8x8_Dot"));
        Assert.Equal("Sgemm_8x8_Neon",
            MlNetGraviton.Kernels.Gemm.SgemmKernelInfo.Name(MlNetGraviton.Kernels.Gemm.SgemmKernelInfo.Select(CpuFeatures.Current)));
    }

    [Fact]
    public void IsaLimitLowersTheDetectedModel()
    {
        ExpectedCpu expected = ExpectedCpu.FromEnvironment();
        CpuFeatures neon = CpuFeatures.Detected.LimitedTo(IsaLevel.Neon);
        Assert.True(neon.AdvSimd);
        Assert.False(neon.DotProd || neon.I8mm || neon.Bf16);
        CpuFeatures dot = CpuFeatures.Detected.LimitedTo(IsaLevel.DotProd);
        Assert.Equal(expected.DotProd, dot.DotProd);
        Assert.False(dot.I8mm || dot.Bf16);
    }
}
