using System.Numerics.Tensors;

namespace MlNetGraviton.Runtime.Ops.Reduction;

internal enum ReduceKind { Sum, Mean, Max, Min, Prod }

/// <summary>
/// ReduceSum / ReduceMean / ReduceMax / ReduceMin over a set of axes, keepdims, noop_with_empty_axes. Axes come from
/// the attribute, or from the optional second input from opset 13 (ReduceSum) or 18 (the others).
/// </summary>
internal sealed class ReduceKernel(ReduceKind kind, long[]? attributeAxes, bool axesFromInput, bool keepDims, bool noopWithEmptyAxes) : OpKernel
{
    public static OpKernel Create(OpLoadContext c, ReduceKind kind)
    {
        bool fromInput = c.Opset >= (kind == ReduceKind.Sum ? 13 : 18);
        return new ReduceKernel(kind, fromInput ? null : c.Attributes.GetInts("axes"), fromInput,
            c.Attributes.GetInt("keepdims", 1) != 0, c.Attributes.GetInt("noop_with_empty_axes", 0) != 0);
    }

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        long[]? axes = axesFromInput ? (context.OptionalInput(1) is { } t ? OpArgs.Longs(t, "axes") : null) : attributeAxes;
        int rank = x.Rank;
        if (axes is { Length: 0 })
            axes = null;
        if (axes is null && noopWithEmptyAxes)
        {
            context.SetOutput(0, x);
            return;
        }
        var reduce = new bool[rank];
        if (axes is null)
            Array.Fill(reduce, true);
        else
            foreach (long a in axes)
                reduce[OpArgs.Axis(a, rank, "axes")] = true;

        ReadOnlySpan<long> s = x.ShapeSpan();
        var kept = new List<long>();
        var outShape = new List<long>();
        for (int d = 0; d < rank; d++)
        {
            if (reduce[d])
            {
                if (keepDims)
                    outShape.Add(1);
            }
            else
                outShape.Add(s[d]);
            kept.Add(reduce[d] ? 1 : s[d]);
        }
        Tensor y = context.Output(0, x.ElementType, outShape.ToArray());
        long count = 1;
        for (int d = 0; d < rank; d++)
            if (reduce[d])
                count *= s[d];
        switch (x.ElementType)
        {
            case TensorElementType.Float32: Reduce<float>(x, y, reduce, kept.ToArray(), count); break;
            case TensorElementType.Int64: Reduce<long>(x, y, reduce, kept.ToArray(), count); break;
            case TensorElementType.Int32: Reduce<int>(x, y, reduce, kept.ToArray(), count); break;
            default: throw new ArgumentException($"Reduce{kind} does not support {x}", "data");
        }
    }

    private void Reduce<T>(Tensor x, Tensor y, bool[] reduce, long[] keptShape, long count) where T : unmanaged, System.Numerics.INumber<T>, System.Numerics.IMinMaxValue<T>
    {
        ReadOnlySpan<T> xd = x.AsSpan<T>();
        Span<T> yd = y.AsSpan<T>();
        ReadOnlySpan<long> s = x.ShapeSpan();
        int rank = s.Length;
        // Fast path: the reduced axes are one trailing block, so each output is the reduction of one contiguous run.
        int firstReduced = Array.IndexOf(reduce, true);
        bool trailing = firstReduced >= 0 && reduce.AsSpan(firstReduced).IndexOf(false) < 0;
        if (trailing && typeof(T) == typeof(float))
        {
            int n = (int)count;
            for (int o = 0; o < yd.Length; o++)
                yd[o] = Finish(Combine(xd.Slice(o * n, n)), count);
            return;
        }
        T init = kind switch { ReduceKind.Max => T.MinValue, ReduceKind.Min => T.MaxValue, ReduceKind.Prod => T.One, _ => T.Zero };
        if (kind == ReduceKind.Max && typeof(T) == typeof(float))
            init = (T)(object)float.NegativeInfinity;
        if (kind == ReduceKind.Min && typeof(T) == typeof(float))
            init = (T)(object)float.PositiveInfinity;
        yd.Fill(init);
        long[] outStrides = OpArgs.Strides(keptShape);
        var index = new long[rank];
        long outIndex = 0;
        for (int i = 0; i < xd.Length; i++)
        {
            T v = xd[i];
            T cur = yd[(int)outIndex];
            yd[(int)outIndex] = kind switch
            {
                ReduceKind.Max => T.Max(cur, v),
                ReduceKind.Min => T.Min(cur, v),
                ReduceKind.Prod => cur * v,
                _ => cur + v,
            };
            for (int d = rank - 1; d >= 0; d--)
            {
                if (!reduce[d])
                    outIndex += outStrides[d];
                if (++index[d] < s[d])
                    break;
                if (!reduce[d])
                    outIndex -= outStrides[d] * s[d];
                index[d] = 0;
            }
        }
        if (kind == ReduceKind.Mean)
            for (int o = 0; o < yd.Length; o++)
                yd[o] = Finish(yd[o], count);
    }

    private T Combine<T>(ReadOnlySpan<T> run) where T : unmanaged, System.Numerics.INumber<T>
    {
        ReadOnlySpan<float> f = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(run);
        float r = kind switch
        {
            ReduceKind.Max => f.IsEmpty ? float.NegativeInfinity : TensorPrimitives.Max(f),
            ReduceKind.Min => f.IsEmpty ? float.PositiveInfinity : TensorPrimitives.Min(f),
            ReduceKind.Prod => TensorPrimitives.Product(f),
            _ => TensorPrimitives.Sum(f),
        };
        return T.CreateTruncating(r);
    }

    private T Finish<T>(T value, long count) where T : System.Numerics.INumber<T> =>
        kind == ReduceKind.Mean && count > 0 ? value / T.CreateTruncating(count) : value;
}
