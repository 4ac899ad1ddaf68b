using System.Numerics.Tensors;

namespace MlNetGraviton.Runtime.Ops.Reduction;

/// <summary>
/// Softmax and LogSoftmax. Opset 13+: along one axis. Before 13: the input is coerced to 2-D at the axis
/// ([d0·…·d(axis−1), d(axis)·…]) and each row is normalised. Max is subtracted first, so -inf masks and large logits are safe.
/// </summary>
internal sealed class SoftmaxKernel(long axis, bool coerced2D, bool log) : OpKernel
{
    public static OpKernel Create(OpLoadContext c, bool log) =>
        new SoftmaxKernel(c.Attributes.GetInt("axis", c.Opset >= 13 ? -1 : 1), c.Opset < 13, log);

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        if (x.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"{(log ? "LogSoftmax" : "Softmax")} supports float32, got {x}", "input");
        Tensor y = context.Output(0, TensorElementType.Float32, x.ShapeSpan());
        if (x.ElementCount == 0)
            return;
        ReadOnlySpan<long> s = x.ShapeSpan();
        int a = OpArgs.Axis(axis, Math.Max(1, s.Length));
        long outer, n, inner;
        if (coerced2D)
        {
            outer = OpArgs.Product(s, 0, a);
            n = OpArgs.Product(s, a);
            inner = 1;
        }
        else
        {
            outer = OpArgs.Product(s, 0, a);
            n = s.Length == 0 ? 1 : s[a];
            inner = OpArgs.Product(s, a + 1);
        }
        ReadOnlySpan<float> xd = x.AsSpan<float>();
        Span<float> yd = y.AsSpan<float>();
        if (inner == 1)
        {
            for (long o = 0; o < outer; o++)
                Row(xd.Slice((int)(o * n), (int)n), yd.Slice((int)(o * n), (int)n), log);
            return;
        }
        // Axis not last: gather each strided column into a contiguous row, normalise, scatter back.
        var column = new float[n];
        var result = new float[n];
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                long baseIndex = o * n * inner + i;
                for (long j = 0; j < n; j++)
                    column[j] = xd[(int)(baseIndex + j * inner)];
                Row(column, result, log);
                for (long j = 0; j < n; j++)
                    yd[(int)(baseIndex + j * inner)] = result[j];
            }
    }

    public static void Row(ReadOnlySpan<float> x, Span<float> y, bool log)
    {
        float max = TensorPrimitives.Max(x);
        if (float.IsNegativeInfinity(max))
            max = 0; // a row of -inf stays NaN-free until the division, like ONNX Runtime
        TensorPrimitives.Subtract(x, max, y);
        if (log)
        {
            // log softmax = (x − max) − log Σ exp(x − max)
            float sum = 0;
            for (int i = 0; i < y.Length; i++)
                sum += MathF.Exp(y[i]);
            TensorPrimitives.Subtract(y, MathF.Log(sum), y);
            return;
        }
        TensorPrimitives.Exp(y, y);
        float total = TensorPrimitives.Sum(y);
        TensorPrimitives.Multiply(y, 1f / total, y);
    }
}
