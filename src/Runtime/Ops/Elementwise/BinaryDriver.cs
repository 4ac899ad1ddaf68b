namespace MlNetGraviton.Runtime.Ops.Elementwise;

/// <summary>Runs an <see cref="IBinaryOp{T, TR}"/> over two broadcast inputs, a row at a time.</summary>
internal static class BinaryDriver
{
    public static void Run<T, TR, TOp>(Tensor a, Tensor b, Tensor output, BroadcastLoop loop)
        where T : unmanaged
        where TR : unmanaged
        where TOp : IBinaryOp<T, TR>
    {
        ReadOnlySpan<T> x = a.AsSpan<T>();
        ReadOnlySpan<T> y = b.AsSpan<T>();
        Span<TR> d = output.AsSpan<TR>();
        int inner = loop.Inner, sx = loop.InnerStrides[0], sy = loop.InnerStrides[1];
        for (int row = 0; row < loop.Rows; row++)
        {
            int xo = loop.Offset(0, row), yo = loop.Offset(1, row);
            Span<TR> dr = d.Slice(row * inner, inner);
            if (sx == 1 && sy == 1)
            {
                ReadOnlySpan<T> xr = x.Slice(xo, inner), yr = y.Slice(yo, inner);
                if (!TOp.TryApply(xr, yr, dr))
                    for (int i = 0; i < dr.Length; i++)
                        dr[i] = TOp.Apply(xr[i], yr[i]);
            }
            else if (sx == 1)
            {
                ReadOnlySpan<T> xr = x.Slice(xo, inner);
                T yv = y[yo];
                if (!TOp.TryApply(xr, yv, dr))
                    for (int i = 0; i < dr.Length; i++)
                        dr[i] = TOp.Apply(xr[i], yv);
            }
            else if (sy == 1)
            {
                T xv = x[xo];
                ReadOnlySpan<T> yr = y.Slice(yo, inner);
                if (!TOp.TryApply(xv, yr, dr))
                    for (int i = 0; i < dr.Length; i++)
                        dr[i] = TOp.Apply(xv, yr[i]);
            }
            else
            {
                dr.Fill(TOp.Apply(x[xo], y[yo]));
            }
        }
    }
}
