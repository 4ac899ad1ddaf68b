namespace MlNetGraviton.Runtime.Ops.Reduction;

/// <summary>CumSum along an axis (given as a scalar input), optionally exclusive and/or reversed.</summary>
internal sealed class CumSumKernel(bool exclusive, bool reverse) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) =>
        new CumSumKernel(c.Attributes.GetInt("exclusive", 0) != 0, c.Attributes.GetInt("reverse", 0) != 0);

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        int a = OpArgs.Axis(OpArgs.Scalar(context.Input(1), "axis"), x.Rank);
        Tensor y = context.Output(0, x.ElementType, x.ShapeSpan());
        switch (x.ElementType)
        {
            case TensorElementType.Float32: Scan<float>(x, y, a); break;
            case TensorElementType.Int64: Scan<long>(x, y, a); break;
            case TensorElementType.Int32: Scan<int>(x, y, a); break;
            default: throw new ArgumentException($"CumSum does not support {x}", "x");
        }
    }

    private void Scan<T>(Tensor x, Tensor y, int axis) where T : unmanaged, System.Numerics.INumber<T>
    {
        ReadOnlySpan<long> s = x.ShapeSpan();
        long outer = OpArgs.Product(s, 0, axis), n = s[axis], inner = OpArgs.Product(s, axis + 1);
        ReadOnlySpan<T> xd = x.AsSpan<T>();
        Span<T> yd = y.AsSpan<T>();
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                T sum = T.Zero;
                for (long step = 0; step < n; step++)
                {
                    long j = reverse ? n - 1 - step : step;
                    int at = (int)((o * n + j) * inner + i);
                    if (exclusive)
                    {
                        yd[at] = sum;
                        sum += xd[at];
                    }
                    else
                    {
                        sum += xd[at];
                        yd[at] = sum;
                    }
                }
            }
    }
}
