namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Slice (opset 10+): starts, ends, optional axes and steps as inputs, clamped the ONNX way; negative steps walk backwards.</summary>
internal sealed class SliceKernel : OpKernel
{
    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        ReadOnlySpan<long> s = x.ShapeSpan();
        int rank = s.Length;
        long[] starts = OpArgs.Longs(context.Input(1), "starts");
        long[] ends = OpArgs.Longs(context.Input(2), "ends");
        long[] axes = context.OptionalInput(3) is { } ax ? OpArgs.Longs(ax, "axes") : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        long[] steps = context.OptionalInput(4) is { } st ? OpArgs.Longs(st, "steps") : Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw new ArgumentException($"starts, ends, axes and steps must have one length; got {starts.Length}, {ends.Length}, {axes.Length}, {steps.Length}", "starts");

        long[] first = new long[rank], step = new long[rank], shape = s.ToArray();
        Array.Fill(step, 1);
        var seen = new bool[rank];
        for (int i = 0; i < starts.Length; i++)
        {
            int a = OpArgs.Axis(axes[i], rank, "axes");
            if (seen[a])
                throw new ArgumentException($"axes repeat axis {a}", "axes");
            seen[a] = true;
            long dim = s[a], k = steps[i];
            if (k == 0)
                throw new ArgumentException("steps must not be 0", "steps");
            long b = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (k > 0)
            {
                b = Math.Clamp(b, 0, dim);
                e = Math.Clamp(e, 0, dim);
                shape[a] = Math.Max(0, (e - b + k - 1) / k);
            }
            else
            {
                b = Math.Clamp(b, 0, dim - 1);
                e = Math.Clamp(e, -1, dim - 1);
                shape[a] = Math.Max(0, (b - e + (-k) - 1) / (-k));
            }
            first[a] = b;
            step[a] = k;
        }

        Tensor y = context.Output(0, x.ElementType, shape);
        if (y.ElementCount == 0)
            return;
        if (rank == 0)
        {
            Array.Copy(x.Data, y.Data, 1);
            return;
        }
        long[] strides = OpArgs.Strides(s);
        long src0 = 0;
        for (int d = 0; d < rank; d++)
            src0 += first[d] * strides[d];
        long inner = shape[rank - 1], innerStride = step[rank - 1] * strides[rank - 1];
        long rows = y.ElementCount / inner, src = src0;
        var index = new long[rank];
        for (long row = 0; row < rows; row++)
        {
            ElementCopy.Strided(x, src, innerStride, y, row * inner, inner);
            for (int d = rank - 2; d >= 0; d--)
            {
                src += step[d] * strides[d];
                if (++index[d] < shape[d])
                    break;
                src -= step[d] * strides[d] * shape[d];
                index[d] = 0;
            }
        }
    }
}
