namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Trilu: keep the upper (j − i ≥ k) or lower (j − i ≤ k) triangle of the last two dimensions, zero the rest.</summary>
internal sealed class TriluKernel(bool upper) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) => new TriluKernel(c.Attributes.GetInt("upper", 1) != 0);

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        if (x.Rank < 2)
            throw new ArgumentException($"Trilu needs rank 2 or more, got {x}", "input");
        long k = context.OptionalInput(1) is { } kt ? OpArgs.Scalar(kt, "k") : 0;
        Tensor y = context.Output(0, x.ElementType, x.ShapeSpan());
        long rows = x.Dimension(x.Rank - 2), cols = x.Dimension(x.Rank - 1);
        long matrices = x.ElementCount / Math.Max(1, rows * cols);
        Array.Copy(x.Data, y.Data, x.ElementCount);
        Tensor zero = Tensor.Zeros(x.ElementType, 1);
        for (long m = 0; m < matrices; m++)
            for (long i = 0; i < rows; i++)
            {
                long rowStart = (m * rows + i) * cols;
                // Columns zeroed in this row: upper keeps j ≥ i + k, lower keeps j ≤ i + k.
                long from = upper ? 0 : Math.Clamp(i + k + 1, 0, cols);
                long to = upper ? Math.Clamp(i + k, 0, cols) : cols;
                if (to > from)
                    ElementCopy.Repeat(zero, 0, y, rowStart + from, to - from);
            }
    }
}
