using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Runtime.Ops.Algebra;

namespace MlNetGraviton.Runtime.Ops.Fused;

/// <summary>
/// MatMulEpilogue (ai.mlnetgraviton): Y = act(A·B + bias) for A [..., K] with any leading dimensions, a constant B
/// ([K, N], or [N, K] with transB = 1) packed once at load, an optional constant bias [N], and activation "none",
/// "gelu_erf" or "gelu_tanh" applied in the SGEMM epilogue while each tile is still in registers.
/// </summary>
internal sealed class MatMulEpilogueKernel(SgemmPackedB packedB, float[]? bias, GemmActivation activation) : OpKernel
{
    public const string OpType = "MatMulEpilogue";

    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(2);
        bool transB = c.Attributes.GetInt("transB", 0) != 0;
        if (c.Constant(1) is not { ElementType: TensorElementType.Float32, Rank: 2 } b)
            throw c.Unsupported("needs a constant float32 2-D B");
        int k = checked((int)b.Dimension(transB ? 1 : 0)), n = checked((int)b.Dimension(transB ? 0 : 1));
        if (k == 0)
            throw c.Unsupported("needs K > 0 (the optimizer never writes an empty product)");
        float[]? bias = null;
        if (c.HasInput(2))
        {
            if (c.Constant(2) is not { ElementType: TensorElementType.Float32 } biasTensor || biasTensor.ElementCount != n)
                throw c.Unsupported($"needs a constant float32 bias of {n} values");
            bias = biasTensor.AsSpan<float>().ToArray();
        }
        GemmActivation activation = c.Attributes.GetString("activation") switch
        {
            null or "none" => GemmActivation.None,
            "gelu_erf" => GemmActivation.GeluErf,
            "gelu_tanh" => GemmActivation.GeluTanh,
            var other => throw c.Unsupported($"has unknown activation '{other}' (none, gelu_erf, gelu_tanh)"),
        };
        return new MatMulEpilogueKernel(c.PackWeight(b.AsSpan<float>(), k, n, transB), bias, activation);
    }

    public override void Run(OpContext context)
    {
        Tensor a = context.Input(0);
        if (a.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"{OpType} supports float32 A; A is {a}", "A");
        int k = packedB.K, n = packedB.N;
        long[] shape = a.Shape;
        if (shape.Length == 0 || shape[^1] != k)
            throw new ArgumentException($"{OpType}: A {a} does not match B [{k}, {n}] (A's last dimension must be {k})", "A");
        shape[^1] = n;
        Tensor y = context.Output(0, TensorElementType.Float32, shape);
        int m = a.ElementCount / k;
        var epilogue = new SgemmEpilogue { Bias = bias, Activation = activation };
        Sgemm.Run(m, a.AsSpan<float>(), k, packedB, y.AsSpan<float>(), n, epilogue, GemmThreads.For(m, k, n, context.Threads));
    }
}
