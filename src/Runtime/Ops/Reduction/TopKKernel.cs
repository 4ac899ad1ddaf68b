namespace MlNetGraviton.Runtime.Ops.Reduction;

/// <summary>
/// TopK (opset 10+; K as input): the K largest (or smallest) values along an axis and their int64 indices, sorted;
/// equal values keep the lower index first, as ONNX Runtime does.
/// </summary>
internal sealed class TopKKernel(long axis, bool largest) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) =>
        new TopKKernel(c.Attributes.GetInt("axis", -1), c.Attributes.GetInt("largest", 1) != 0);

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        long k = OpArgs.Scalar(context.Input(1), "K");
        ReadOnlySpan<long> s = x.ShapeSpan();
        int a = OpArgs.Axis(axis, s.Length);
        long outer = OpArgs.Product(s, 0, a), n = s[a], inner = OpArgs.Product(s, a + 1);
        if (k < 0 || k > n)
            throw new ArgumentException($"K = {k} is out of range for axis {a} of {x}", "K");
        long[] shape = s.ToArray();
        shape[a] = k;
        Tensor values = context.Output(0, x.ElementType, shape);
        Span<long> indices = context.Output(1, TensorElementType.Int64, shape).AsSpan<long>();
        var order = new int[n];
        var keys = new double[n];
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    order[j] = j;
                    keys[j] = Value(x, (o * n + j) * inner + i);
                }
                Array.Sort(order, (p, q) =>
                {
                    int c = largest ? keys[q].CompareTo(keys[p]) : keys[p].CompareTo(keys[q]);
                    return c != 0 ? c : p.CompareTo(q);
                });
                for (int j = 0; j < k; j++)
                {
                    long dst = (o * k + j) * inner + i;
                    indices[(int)dst] = order[j];
                    ElementCopy.Block(x, (o * n + order[j]) * inner + i, values, dst, 1);
                }
            }
    }

    private static double Value(Tensor x, long index) => x.ElementType switch
    {
        TensorElementType.Float32 => x.AsSpan<float>()[(int)index],
        TensorElementType.Int64 => x.AsSpan<long>()[(int)index],
        TensorElementType.Int32 => x.AsSpan<int>()[(int)index],
        _ => throw new ArgumentException($"TopK does not support {x}", "X"),
    };
}
