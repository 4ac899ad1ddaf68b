namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Where(condition, X, Y) with three-way broadcasting, for any element type.</summary>
internal sealed class WhereKernel : OpKernel
{
    public override void Run(OpContext context)
    {
        Tensor c = context.Input(0), x = context.Input(1), y = context.Input(2);
        if (c.ElementType != TensorElementType.Bool)
            throw new ArgumentException($"condition must be bool, got {c}", "condition");
        if (x.ElementType != y.ElementType)
            throw new ArgumentException($"X and Y must share an element type: {x} and {y}", "inputs");
        long[] shape = BroadcastLoop.Shape(c.Shape, x.Shape, y.Shape);
        Tensor output = context.Output(0, x.ElementType, shape);
        var loop = BroadcastLoop.Create(shape, c.Shape, x.Shape, y.Shape);
        ReadOnlySpan<bool> cond = c.AsSpan<bool>();
        int inner = loop.Inner, sc = loop.InnerStrides[0], sx = loop.InnerStrides[1], sy = loop.InnerStrides[2];
        for (int row = 0; row < loop.Rows; row++)
        {
            int co = loop.Offset(0, row), xo = loop.Offset(1, row), yo = loop.Offset(2, row);
            long dst = (long)row * inner;
            // Runs of equal condition become block copies or fills of the chosen input.
            int i = 0;
            while (i < inner)
            {
                bool pick = cond[co + i * sc];
                int j = i + 1;
                while (j < inner && cond[co + j * sc] == pick)
                    j++;
                (Tensor src, int offset, int stride) = pick ? (x, xo, sx) : (y, yo, sy);
                if (stride == 1)
                    ElementCopy.Block(src, offset + i, output, dst + i, j - i);
                else
                    ElementCopy.Repeat(src, offset, output, dst + i, j - i);
                i = j;
            }
        }
    }
}
