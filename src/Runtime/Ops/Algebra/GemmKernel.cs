using System.Numerics.Tensors;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Runtime.Ops.Algebra;

/// <summary>
/// Gemm: Y = alpha·A'·B' + beta·C with A' = transA ? Aᵀ : A and B' likewise; C broadcasts to [M, N]. A constant B is
/// packed once; a bias-shaped C ([N] or [1, N]) rides in the SGEMM epilogue, any other C is written first and accumulated.
/// </summary>
internal sealed class GemmKernel(float alpha, float beta, bool transA, bool transB, SgemmPackedB? packedB, float[]? constantBias) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(2);
        float alpha = c.Attributes.GetFloat("alpha", 1f), beta = c.Attributes.GetFloat("beta", 1f);
        bool transA = c.Attributes.GetInt("transA", 0) != 0, transB = c.Attributes.GetInt("transB", 0) != 0;
        SgemmPackedB? packed = null;
        if (c.Constant(1) is { } b && b.ElementType == TensorElementType.Float32 && b.Rank == 2)
        {
            int k = checked((int)(transB ? b.Dimension(1) : b.Dimension(0))), n = checked((int)(transB ? b.Dimension(0) : b.Dimension(1)));
            packed = c.PackWeight(b.AsSpan<float>(), k, n, transB);
        }
        float[]? bias = null;
        if (c.Constant(2) is { } cst && cst.ElementType == TensorElementType.Float32 && IsRowVector(cst) && packed is not null
            && cst.ElementCount == packed.N)
        {
            bias = cst.AsSpan<float>().ToArray();
            for (int i = 0; i < bias.Length; i++)
                bias[i] *= beta;
        }
        return new GemmKernel(alpha, beta, transA, transB, packed, bias);
    }

    private static bool IsRowVector(Tensor t) => t.Rank == 1 || (t.Rank == 2 && t.Dimension(0) == 1);

    public override void Run(OpContext context)
    {
        Tensor a = context.Input(0);
        if (a.ElementType != TensorElementType.Float32 || a.Rank != 2)
            throw new ArgumentException($"Gemm needs a 2-D float32 A, got {a}", "A");
        int m = (int)(transA ? a.Dimension(1) : a.Dimension(0)), k = (int)(transA ? a.Dimension(0) : a.Dimension(1));
        SgemmPackedB packed;
        if (packedB is not null)
            packed = packedB;
        else
        {
            Tensor b = context.Input(1);
            if (b.ElementType != TensorElementType.Float32 || b.Rank != 2)
                throw new ArgumentException($"Gemm needs a 2-D float32 B, got {b}", "B");
            int kb = (int)(transB ? b.Dimension(1) : b.Dimension(0)), nb = (int)(transB ? b.Dimension(0) : b.Dimension(1));
            if (kb != k)
                throw new ArgumentException($"Gemm: A {a} and B {b} do not match (K = {k} vs {kb}; transA={transA}, transB={transB})", "B");
            packed = Sgemm.PackB(b.AsSpan<float>(), kb, nb, transB);
        }
        if (packed.K != k)
            throw new ArgumentException($"Gemm: A {a} has K = {k}; B has K = {packed.K}", "A");
        int n = packed.N;
        Tensor y = context.Output(0, TensorElementType.Float32, [m, n]);
        ReadOnlySpan<float> ad = a.AsSpan<float>();
        float[]? transposed = null;
        if (transA)
        {
            transposed = new float[m * k];
            for (int i = 0; i < k; i++)
                for (int j = 0; j < m; j++)
                    transposed[j * k + i] = ad[i * m + j];
            ad = transposed;
        }

        Tensor? cInput = context.OptionalInput(2);
        if (constantBias is not null)
        {
            Sgemm.Run(m, ad, k, packed, y.AsSpan<float>(), n, new SgemmEpilogue { Alpha = alpha, Bias = constantBias }, GemmThreads.For(m, k, n, context.Threads));
            return;
        }
        bool accumulate = false;
        if (cInput is not null && beta != 0f)
        {
            if (cInput.ElementType != TensorElementType.Float32)
                throw new ArgumentException($"Gemm needs a float32 C, got {cInput}", "C");
            long[] cShape = cInput.Shape;
            long[] target = BroadcastLoop.Shape(cShape, [m, n]);
            if (target.Length != 2 || target[0] != m || target[1] != n)
                throw new ArgumentException($"Gemm: C {cInput} does not broadcast to [{m}, {n}]", "C");
            Tensors.ExpandKernel.BroadcastCopy(cInput, cShape, y);
            if (beta != 1f)
                TensorPrimitives.Multiply(y.AsSpan<float>(), beta, y.AsSpan<float>());
            accumulate = true;
        }
        Sgemm.Run(m, ad, k, packed, y.AsSpan<float>(), n, new SgemmEpilogue { Alpha = alpha, Accumulate = accumulate }, GemmThreads.For(m, k, n, context.Threads));
    }
}
