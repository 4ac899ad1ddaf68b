namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>
/// Tile: output [r0·d0, r1·d1, ...] has the memory layout of [r0, d0, r1, d1, ...], so it is the input viewed as
/// [1, d0, 1, d1, ...] broadcast to that shape.
/// </summary>
internal sealed class TileKernel : OpKernel
{
    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        long[] repeats = OpArgs.Longs(context.Input(1), "repeats");
        int rank = x.Rank;
        if (repeats.Length != rank || repeats.Any(r => r < 0))
            throw new ArgumentException($"repeats {Tensor.FormatShape(repeats)} must hold {rank} non-negative values for input {x}", "repeats");
        var view = new long[2 * rank];
        var wide = new long[2 * rank];
        var shape = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            view[2 * i] = 1;
            view[2 * i + 1] = x.Dimension(i);
            wide[2 * i] = repeats[i];
            wide[2 * i + 1] = x.Dimension(i);
            shape[i] = repeats[i] * x.Dimension(i);
        }
        Tensor y = context.Output(0, x.ElementType, shape);
        if (rank == 0)
        {
            Array.Copy(x.Data, y.Data, 1);
            return;
        }
        ExpandKernel.BroadcastCopy(x, view, TensorViews.Reshape(y, wide));
    }
}
