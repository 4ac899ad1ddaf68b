namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Expand: broadcast the input to the broadcast of its shape and the given shape.</summary>
internal sealed class ExpandKernel : OpKernel
{
    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        long[] shape = BroadcastLoop.Shape(x.Shape, OpArgs.Longs(context.Input(1), "shape"));
        Tensor y = context.Output(0, x.ElementType, shape);
        BroadcastCopy(x, x.Shape, y);
    }

    /// <summary>Writes <paramref name="x"/>, viewed as <paramref name="viewShape"/>, broadcast over all of <paramref name="y"/>.</summary>
    public static void BroadcastCopy(Tensor x, long[] viewShape, Tensor y)
    {
        if (y.ElementCount == 0)
            return;
        var loop = BroadcastLoop.Create(y.ShapeSpan(), viewShape);
        for (int row = 0; row < loop.Rows; row++)
        {
            int src = loop.Offset(0, row);
            if (loop.InnerStrides[0] == 1)
                ElementCopy.Block(x, src, y, (long)row * loop.Inner, loop.Inner);
            else
                ElementCopy.Repeat(x, src, y, (long)row * loop.Inner, loop.Inner);
        }
    }
}
