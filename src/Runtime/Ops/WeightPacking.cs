using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Runtime.Ops;

/// <summary>
/// How one plan packs the constant weights of its GEMMs: for <see cref="Kernel"/> (the fp32 kernel the CPU selects, or the
/// bf16 fast-math kind for <see cref="Precision.BFloat16"/>), counting them so the session can say what it did.
/// Used while a plan is built, on one thread.
/// </summary>
internal sealed class WeightPacking(SgemmKernelKind kernel)
{
    public SgemmKernelKind Kernel { get; } = kernel;

    /// <summary>Constant weights packed so far.</summary>
    public int Count { get; private set; }

    /// <summary>Packs B ([K, N], or [N, K] when <paramref name="transB"/>) for <see cref="Kernel"/>.</summary>
    public SgemmPackedB Pack(ReadOnlySpan<float> b, int k, int n, bool transB)
    {
        SgemmPackedB packed = Sgemm.PackB(b, k, n, transB, Kernel);
        Count++;
        return packed;
    }
}
