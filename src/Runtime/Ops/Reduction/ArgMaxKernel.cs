namespace MlNetGraviton.Runtime.Ops.Reduction;

/// <summary>ArgMax / ArgMin along one axis to int64; ties go to the first index unless select_last_index.</summary>
internal sealed class ArgMaxKernel(long axis, bool keepDims, bool selectLast, bool min) : OpKernel
{
    public static OpKernel Create(OpLoadContext c, bool min) => new ArgMaxKernel(
        c.Attributes.GetInt("axis", 0), c.Attributes.GetInt("keepdims", 1) != 0, c.Attributes.GetInt("select_last_index", 0) != 0, min);

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        ReadOnlySpan<long> s = x.ShapeSpan();
        int a = OpArgs.Axis(axis, s.Length);
        long outer = OpArgs.Product(s, 0, a), n = s[a], inner = OpArgs.Product(s, a + 1);
        if (n == 0)
            throw new ArgumentException($"ArgMax over an empty axis of {x}", "data");
        var shape = new List<long>(s.ToArray());
        if (keepDims)
            shape[a] = 1;
        else
            shape.RemoveAt(a);
        Span<long> y = context.Output(0, TensorElementType.Int64, shape.ToArray()).AsSpan<long>();
        double[] values = x.ElementType switch
        {
            TensorElementType.Float32 => Array.ConvertAll(x.AsSpan<float>().ToArray(), v => (double)v),
            TensorElementType.Int64 => Array.ConvertAll(x.AsSpan<long>().ToArray(), v => (double)v),
            TensorElementType.Int32 => Array.ConvertAll(x.AsSpan<int>().ToArray(), v => (double)v),
            _ => throw new ArgumentException($"ArgMax does not support {x}", "data"),
        };
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < inner; i++)
            {
                long best = 0;
                double bestValue = values[o * n * inner + i];
                for (long j = 1; j < n; j++)
                {
                    double v = values[(o * n + j) * inner + i];
                    bool better = min ? v < bestValue || (selectLast && v == bestValue) : v > bestValue || (selectLast && v == bestValue);
                    if (better)
                    {
                        best = j;
                        bestValue = v;
                    }
                }
                y[(int)(o * inner + i)] = best;
            }
    }
}
