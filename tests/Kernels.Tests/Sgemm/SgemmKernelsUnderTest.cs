using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Fp32;

/// <summary>Every SGEMM micro-kernel this process can run (the arm64 runner sees the NEON one natively).</summary>
public static class SgemmKernelsUnderTest
{
    public static TheoryData<SgemmKernelKind> All()
    {
        var data = new TheoryData<SgemmKernelKind>();
        foreach (SgemmKernelKind kind in Enum.GetValues<SgemmKernelKind>())
        {
            if (SgemmKernelInfo.CanRun(kind))
                data.Add(kind);
        }
        return data;
    }
}
