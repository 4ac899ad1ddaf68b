using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Fp32;

/// <summary>
/// Every fp32 SGEMM micro-kernel this process can run (the arm64 runner sees the NEON one natively). The bf16
/// fast-math kinds round their inputs, so they have their own reference and tests (Sbgemm/SgemmFastMathTests).
/// </summary>
public static class SgemmKernelsUnderTest
{
    public static TheoryData<SgemmKernelKind> All()
    {
        var data = new TheoryData<SgemmKernelKind>();
        foreach (SgemmKernelKind kind in Enum.GetValues<SgemmKernelKind>())
        {
            if (SgemmKernelInfo.CanRun(kind) && !SgemmKernelInfo.IsFastMath(kind))
                data.Add(kind);
        }
        return data;
    }
}
