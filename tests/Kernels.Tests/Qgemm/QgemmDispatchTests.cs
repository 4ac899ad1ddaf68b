using QgemmApi = MlNetGraviton.Kernels.Gemm.Qgemm;
using System.Runtime.InteropServices;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Qgemm;

/// <summary>Which kernel each ISA limit selects on this CPU.</summary>
public sealed class QgemmDispatchTests
{
    private static string Selected(IsaLevel level) =>
        QgemmApi.PackB(new sbyte[4], 2, 2, [0], CpuFeatures.Detected.LimitedTo(level)).KernelName;

    [Fact]
    public void ScalarLimitSelectsTheScalarKernel()
        => Assert.Equal("Qgemm_U8S8_4x4_Scalar", Selected(IsaLevel.Scalar));

    [Fact]
    public void EachLevelSelectsItsFamily()
    {
        CpuFeatures cpu = CpuFeatures.Detected;
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            // All-zero weights cannot saturate: AVX2 picks its VPMADDUBSW kernel.
            if (cpu.Avx2)
                Assert.Equal("Qgemm_U8S8_4x16_Avx2Maddubs", Selected(IsaLevel.Avx2));
            if (cpu.AvxVnni)
                Assert.Equal("Qgemm_U8S8_6x16_AvxVnni", Selected(IsaLevel.AvxVnni));
            Assert.Equal(cpu.AvxVnni ? "Qgemm_U8S8_6x16_AvxVnni" : cpu.Avx2 ? "Qgemm_U8S8_4x16_Avx2Maddubs" : "Qgemm_U8S8_4x4_Scalar",
                Selected(IsaLevel.Avx512));
        }
        else if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
        {
            Assert.Equal("Qgemm_U8S8_8x8_Neon", Selected(IsaLevel.Neon));
            if (cpu.DotProd)
                Assert.Equal("Qgemm_S8S8_8x8_Dot", Selected(IsaLevel.DotProd));
        }
    }

    [Fact]
    public void EverySupportedKernelIsReachableByName()
    {
        IReadOnlyList<string> names = QgemmApi.SupportedKernels(CpuFeatures.Detected);
        Assert.Contains("Qgemm_U8S8_4x4_Scalar", names);
        foreach (string name in names)
            Assert.Equal(name, QgemmApi.PackB(new sbyte[6], 2, 3, [1], name, CpuFeatures.Detected).KernelName);
    }

    [Fact]
    public void UnknownOrUnsupportedKernelNamesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => QgemmApi.PackB(new sbyte[4], 2, 2, [0], "Qgemm_Nope"));
        Assert.Equal("kernelName", e.ParamName);
        var scalarOnly = CpuFeatures.Detected.LimitedTo(IsaLevel.Scalar);
        string? vector = QgemmApi.SupportedKernels(CpuFeatures.Detected).FirstOrDefault(n => n != "Qgemm_U8S8_4x4_Scalar");
        if (vector is not null)
        {
            e = Assert.Throws<ArgumentException>(() => QgemmApi.PackB(new sbyte[4], 2, 2, [0], vector, scalarOnly));
            Assert.Equal("kernelName", e.ParamName);
        }
    }
}
