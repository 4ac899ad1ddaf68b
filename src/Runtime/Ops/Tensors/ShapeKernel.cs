namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Shape: the input's dimensions as int64, optionally a [start, end) slice of them (opset 15).</summary>
internal sealed class ShapeKernel(long start, long? end) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) =>
        new ShapeKernel(c.Attributes.GetInt("start", 0), c.Attributes.Has("end") ? c.Attributes.GetInt("end", 0) : null);

    public override void Run(OpContext context)
    {
        long[] shape = context.Input(0).Shape;
        int rank = shape.Length;
        int from = (int)Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        int to = (int)Math.Clamp(end is { } e ? (e < 0 ? e + rank : e) : rank, 0, rank);
        int n = Math.Max(0, to - from);
        Tensor output = context.Output(0, TensorElementType.Int64, [n]);
        shape.AsSpan(from, n).CopyTo(output.AsSpan<long>());
    }
}
