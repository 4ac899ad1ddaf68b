using System.Numerics.Tensors;

namespace MlNetGraviton.Runtime.Ops.Reduction;

/// <summary>
/// LayerNormalization (opset 17): normalise over the axes from 'axis' to the end, then scale and shift. Optional
/// Mean and InvStdDev outputs are written when wired. Mean and variance are two passes for accuracy.
/// </summary>
internal sealed class LayerNormalizationKernel(long axis, float epsilon) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(2);
        long stash = c.Attributes.GetInt("stash_type", 1);
        if (stash != 1)
            throw c.Unsupported($"with stash_type = {stash} is not supported (only 1, float32)");
        return new LayerNormalizationKernel(c.Attributes.GetInt("axis", -1), c.Attributes.GetFloat("epsilon", 1e-5f));
    }

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0), scale = context.Input(1);
        Tensor? bias = context.OptionalInput(2);
        if (x.ElementType != TensorElementType.Float32 || scale.ElementType != TensorElementType.Float32
            || (bias is not null && bias.ElementType != TensorElementType.Float32))
            throw new ArgumentException($"LayerNormalization supports float32; got X {x}, Scale {scale}", "X");
        ReadOnlySpan<long> s = x.ShapeSpan();
        int a = OpArgs.Axis(axis, s.Length);
        long rows = OpArgs.Product(s, 0, a), n = OpArgs.Product(s, a);
        if (scale.ElementCount != n || (bias is not null && bias.ElementCount != n))
            throw new ArgumentException(
                $"LayerNormalization: Scale {scale}{(bias is null ? "" : $" and B {bias}")} must hold {n} values (X {x}, axis {axis})", "Scale");
        Tensor y = context.Output(0, TensorElementType.Float32, s);
        var statsShape = s.ToArray();
        for (int i = a; i < statsShape.Length; i++)
            statsShape[i] = 1;
        Span<float> means = context.WantsOutput(1) ? context.Output(1, TensorElementType.Float32, statsShape).AsSpan<float>() : default;
        Span<float> inv = context.WantsOutput(2) ? context.Output(2, TensorElementType.Float32, statsShape).AsSpan<float>() : default;
        ReadOnlySpan<float> xd = x.AsSpan<float>(), g = scale.AsSpan<float>();
        ReadOnlySpan<float> b = bias is null ? default : bias.AsSpan<float>();
        Span<float> yd = y.AsSpan<float>();
        for (long r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = xd.Slice((int)(r * n), (int)n);
            Span<float> outRow = yd.Slice((int)(r * n), (int)n);
            float mean = TensorPrimitives.Sum(row) / n;
            TensorPrimitives.Subtract(row, mean, outRow);
            float variance = TensorPrimitives.SumOfSquares(outRow) / n;
            float invStd = 1f / MathF.Sqrt(variance + epsilon);
            TensorPrimitives.Multiply(outRow, invStd, outRow);
            TensorPrimitives.Multiply(outRow, g, outRow);
            if (!b.IsEmpty)
                TensorPrimitives.Add(outRow, b, outRow);
            if (!means.IsEmpty)
                means[(int)r] = mean;
            if (!inv.IsEmpty)
                inv[(int)r] = invStd;
        }
    }
}
