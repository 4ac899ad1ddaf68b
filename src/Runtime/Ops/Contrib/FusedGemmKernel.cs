using System.Numerics.Tensors;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Runtime.Ops.Algebra;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// FusedGemm (com.microsoft): Gemm (Y = alpha·A'·B' + beta·C) followed by an activation named by the 'activation'
/// attribute (ORT fuses e.g. the pooler's Gemm + Tanh). A constant B is packed once and a bias-shaped constant C rides
/// in the SGEMM epilogue; the activation is one vector pass over the still-warm output. Relu, Tanh, Sigmoid and
/// LeakyRelu are implemented; other activations are refused at load by name.
/// </summary>
internal sealed class FusedGemmKernel(
    float alpha, float beta, bool transA, bool transB, SgemmPackedB? packedB, float[]? constantBias, string activation, float activationAlpha) : OpKernel
{
    private static readonly string[] Activations = ["Relu", "Tanh", "Sigmoid", "LeakyRelu"];

    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(2);
        string activation = c.Attributes.GetString("activation") ?? throw c.Unsupported("needs the 'activation' attribute");
        if (!Activations.Contains(activation, StringComparer.Ordinal))
            throw c.Unsupported($"with activation '{activation}' is not supported (supported: {string.Join(", ", Activations)})");
        float alpha = c.Attributes.GetFloat("alpha", 1f), beta = c.Attributes.GetFloat("beta", 1f);
        bool transA = c.Attributes.GetInt("transA", 0) != 0, transB = c.Attributes.GetInt("transB", 0) != 0;
        SgemmPackedB? packed = null;
        if (c.Constant(1) is { ElementType: TensorElementType.Float32, Rank: 2 } b)
        {
            int k = checked((int)(transB ? b.Dimension(1) : b.Dimension(0))), n = checked((int)(transB ? b.Dimension(0) : b.Dimension(1)));
            packed = c.PackWeight(b.AsSpan<float>(), k, n, transB);
        }
        float[]? bias = null;
        if (packed is not null && c.Constant(2) is { ElementType: TensorElementType.Float32 } cst
            && (cst.Rank == 1 || (cst.Rank == 2 && cst.Dimension(0) == 1)) && cst.ElementCount == packed.N)
        {
            bias = cst.AsSpan<float>().ToArray();
            TensorPrimitives.Multiply(bias, beta, bias);
        }
        return new FusedGemmKernel(alpha, beta, transA, transB, packed, bias, activation, c.Attributes.GetFloat("activation_alpha", 0.01f));
    }

    public override void Run(OpContext context)
    {
        Tensor a = context.Input(0);
        if (a.ElementType != TensorElementType.Float32 || a.Rank != 2)
            throw new ArgumentException($"FusedGemm needs a 2-D float32 A, got {a}", "A");
        int m = (int)(transA ? a.Dimension(1) : a.Dimension(0)), k = (int)(transA ? a.Dimension(0) : a.Dimension(1));
        SgemmPackedB packed = packedB ?? PackRuntimeB(context.Input(1), k);
        if (packed.K != k)
            throw new ArgumentException($"FusedGemm: A {a} has K = {k}; B has K = {packed.K} (transA={transA}, transB={transB})", "A");
        int n = packed.N;
        Tensor y = context.Output(0, TensorElementType.Float32, [m, n]);
        ReadOnlySpan<float> ad = a.AsSpan<float>();
        if (transA)
        {
            var staged = new float[m * k]; // transA is rare (never written by ORT for our graphs): no pooling
            for (int i = 0; i < k; i++)
                for (int j = 0; j < m; j++)
                    staged[j * k + i] = ad[i * m + j];
            ad = staged;
        }
        int threads = GemmThreads.For(m, k, n, context.Threads);
        Span<float> yd = y.AsSpan<float>();
        Tensor? c = context.OptionalInput(2);
        if (constantBias is not null)
            Sgemm.Run(m, ad, k, packed, yd, n, new SgemmEpilogue { Alpha = alpha, Bias = constantBias }, threads);
        else if (c is not null && beta != 0f)
        {
            if (c.ElementType != TensorElementType.Float32)
                throw new ArgumentException($"FusedGemm needs a float32 C, got {c}", "C");
            long[] target = BroadcastLoop.Shape(c.Shape, [m, n]);
            if (target.Length != 2 || target[0] != m || target[1] != n)
                throw new ArgumentException($"FusedGemm: C {c} does not broadcast to [{m}, {n}]", "C");
            Tensors.ExpandKernel.BroadcastCopy(c, c.Shape, y);
            if (beta != 1f)
                TensorPrimitives.Multiply(yd, beta, yd);
            Sgemm.Run(m, ad, k, packed, yd, n, new SgemmEpilogue { Alpha = alpha, Accumulate = true }, threads);
        }
        else
            Sgemm.Run(m, ad, k, packed, yd, n, new SgemmEpilogue { Alpha = alpha }, threads);
        Activate(yd);
    }

    private SgemmPackedB PackRuntimeB(Tensor b, int k)
    {
        if (b.ElementType != TensorElementType.Float32 || b.Rank != 2)
            throw new ArgumentException($"FusedGemm needs a 2-D float32 B, got {b}", "B");
        int kb = (int)(transB ? b.Dimension(1) : b.Dimension(0)), nb = (int)(transB ? b.Dimension(0) : b.Dimension(1));
        if (kb != k)
            throw new ArgumentException($"FusedGemm: A has K = {k} and B {b} has K = {kb} (transA={transA}, transB={transB})", "B");
        return Sgemm.PackB(b.AsSpan<float>(), kb, nb, transB);
    }

    private void Activate(Span<float> y)
    {
        switch (activation)
        {
            case "Relu":
                TensorPrimitives.Max(y, 0f, y);
                break;
            case "Tanh":
                TensorPrimitives.Tanh(y, y);
                break;
            case "Sigmoid":
                TensorPrimitives.Sigmoid(y, y);
                break;
            default: // LeakyRelu
                for (int i = 0; i < y.Length; i++)
                    if (y[i] < 0)
                        y[i] *= activationAlpha;
                break;
        }
    }
}
