using QgemmApi = MlNetGraviton.Kernels.Gemm.Qgemm;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Qgemm;

/// <summary>Bad shapes and buffers throw ArgumentException naming the argument, never crash or write out of bounds.</summary>
public sealed class QgemmArgumentTests
{
    private static readonly QgemmPackedB Packed = QgemmApi.PackB(new sbyte[3 * 4], 3, 4, [0]);

    private static void Throws(string param, Action action)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(param, e.ParamName);
    }

    [Fact]
    public void PackBRejectsBadShapes()
    {
        Throws("b", () => QgemmApi.PackB(new sbyte[11], 3, 4, [0]));
        Throws("k", () => QgemmApi.PackB(new sbyte[12], 0, 4, [0]));
        Throws("n", () => QgemmApi.PackB(new sbyte[12], 3, -1, [0]));
        Throws("bZeroPoints", () => QgemmApi.PackB(new sbyte[12], 3, 4, [0, 1]));
        Throws("bZeroPoints", () => QgemmApi.PackB(new sbyte[12], 3, 4, ReadOnlySpan<sbyte>.Empty));
    }

    [Fact]
    public void RunRejectsBadBuffers()
    {
        Throws("b", () => QgemmApi.Run(2, new byte[6], 3, 0, null!, new int[8], 4));
        Throws("a", () => QgemmApi.Run(2, new byte[5], 3, 0, Packed, new int[8], 4));
        Throws("a", () => QgemmApi.Run(2, new sbyte[6], 4, 0, Packed, new int[8], 4));
        Throws("lda", () => QgemmApi.Run(2, new byte[6], 2, 0, Packed, new int[8], 4));
        Throws("ldc", () => QgemmApi.Run(2, new byte[6], 3, 0, Packed, new int[8], 3));
        Throws("c", () => QgemmApi.Run(2, new byte[6], 3, 0, Packed, new int[7], 4));
        Throws("c", () => QgemmApi.Run(2, new byte[6], 3, 0, Packed, new int[8], 5));
        Throws("m", () => QgemmApi.Run(-1, new byte[6], 3, 0, Packed, new int[8], 4));
        Throws("threads", () => QgemmApi.Run(2, new byte[6], 3, 0, Packed, new int[8], 4, threads: 0));
    }

    [Fact]
    public void RunRejectsBadEpilogues()
    {
        var good = new QgemmEpilogue { AScale = 1, BScales = new float[] { 1 } };
        QgemmApi.Run(2, new byte[6], 3, 0, Packed, new float[8], 4, good);
        Throws("epilogue", () => QgemmApi.Run(2, new byte[6], 3, 0, Packed, new float[8], 4, good with { BScales = new float[3] }));
        Throws("epilogue", () => QgemmApi.Run(2, new byte[6], 3, 0, Packed, new float[8], 4, good with { BScales = ReadOnlyMemory<float>.Empty }));
        Throws("epilogue", () => QgemmApi.Run(2, new byte[6], 3, 0, Packed, new float[8], 4, good with { Bias = new float[5] }));
        Throws("c", () => QgemmApi.Run(2, new sbyte[6], 3, 0, Packed, new float[7], 4, good));
        Throws("epilogue", () => QgemmApi.Run(2, new byte[6], 3, 0, Packed, new float[8], 4, good with { Activation = (GemmActivation)99 }));
    }
}
