namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Range(start, limit, delta): max(ceil((limit − start) / delta), 0) values, for float32, int64 and int32.</summary>
internal sealed class RangeKernel : OpKernel
{
    public override void Run(OpContext context)
    {
        Tensor start = context.Input(0), limit = context.Input(1), delta = context.Input(2);
        double s = OpArgs.Number(start, "start"), l = OpArgs.Number(limit, "limit"), d = OpArgs.Number(delta, "delta");
        if (d == 0)
            throw new ArgumentException("delta must not be 0", "delta");
        long n = Math.Max((long)Math.Ceiling((l - s) / d), 0);
        Tensor y = context.Output(0, start.ElementType, [n]);
        switch (start.ElementType)
        {
            case TensorElementType.Float32:
                float fs = (float)s, fd = (float)d;
                Span<float> f = y.AsSpan<float>();
                for (int i = 0; i < n; i++)
                    f[i] = fs + i * fd;
                break;
            case TensorElementType.Int64:
                long ls = start.AsSpan<long>()[0], ld = delta.AsSpan<long>()[0];
                Span<long> li = y.AsSpan<long>();
                for (int i = 0; i < n; i++)
                    li[i] = ls + i * ld;
                break;
            case TensorElementType.Int32:
                int js = start.AsSpan<int>()[0], jd = delta.AsSpan<int>()[0];
                Span<int> ji = y.AsSpan<int>();
                for (int i = 0; i < n; i++)
                    ji[i] = js + i * jd;
                break;
            default:
                throw new ArgumentException($"Range does not support {start}", "start");
        }
    }
}
