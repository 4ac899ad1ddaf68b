using System.Globalization;

namespace MlNetGraviton.Runtime.Ops;

/// <summary>Small helpers kernels share: axis normalisation and reading int64/int32 index tensors.</summary>
internal static class OpArgs
{
    /// <summary>Maps a possibly negative axis into [0, rank); an ArgumentException naming the rank otherwise.</summary>
    public static int Axis(long axis, int rank, string what = "axis")
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new ArgumentException($"{what} {axis.ToString(CultureInfo.InvariantCulture)} is out of range for rank {rank}", what);
        return (int)a;
    }

    /// <summary>The values of an int64 or int32 tensor as longs.</summary>
    public static long[] Longs(Tensor t, string what)
    {
        return t.ElementType switch
        {
            TensorElementType.Int64 => (long[])t.AsSpan<long>().ToArray(),
            TensorElementType.Int32 => Array.ConvertAll(t.AsSpan<int>().ToArray(), v => (long)v),
            _ => throw new ArgumentException($"{what} must be int64 or int32, got {t}", what),
        };
    }

    /// <summary>A single integer from a scalar or one-element int64/int32 tensor.</summary>
    public static long Scalar(Tensor t, string what)
    {
        if (t.ElementCount != 1)
            throw new ArgumentException($"{what} must hold one value, got {t}", what);
        return Longs(t, what)[0];
    }

    /// <summary>A single number from a one-element float/int tensor, as double.</summary>
    public static double Number(Tensor t, string what)
    {
        if (t.ElementCount != 1)
            throw new ArgumentException($"{what} must hold one value, got {t}", what);
        return t.ElementType switch
        {
            TensorElementType.Float32 => t.AsSpan<float>()[0],
            TensorElementType.Int64 => t.AsSpan<long>()[0],
            TensorElementType.Int32 => t.AsSpan<int>()[0],
            _ => throw new ArgumentException($"{what} must be float32, int64 or int32, got {t}", what),
        };
    }

    public static long[] Strides(ReadOnlySpan<long> shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    public static long Product(ReadOnlySpan<long> shape, int from = 0, int to = -1)
    {
        if (to < 0)
            to = shape.Length;
        long p = 1;
        for (int i = from; i < to; i++)
            p *= shape[i];
        return p;
    }
}
