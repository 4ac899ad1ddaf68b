namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>
/// Split along an axis: sizes from the 'split' input (opset 13+) or attribute (before 13), else equal parts
/// (opset 18's num_outputs allows a shorter last part).
/// </summary>
internal sealed class SplitKernel(long axis, long[]? attributeSplit, bool splitFromInput, bool unevenLast) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) => new SplitKernel(
        c.Attributes.GetInt("axis", 0),
        c.Opset < 13 ? c.Attributes.GetInts("split") : null,
        c.Opset >= 13,
        c.Opset >= 18);

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        int a = OpArgs.Axis(axis, x.Rank);
        long dim = x.Dimension(a);
        int parts = context.OutputCount;
        long[]? split = splitFromInput ? (context.OptionalInput(1) is { } t ? OpArgs.Longs(t, "split") : null) : attributeSplit;
        if (split is null)
        {
            split = new long[parts];
            long size = unevenLast ? (dim + parts - 1) / parts : dim / parts;
            if (!unevenLast && dim % parts != 0)
                throw new ArgumentException($"cannot split dimension {a} of size {dim} into {parts} equal parts", "split");
            for (int i = 0; i < parts; i++)
                split[i] = Math.Max(0, Math.Min(size, dim - i * size));
        }
        if (split.Length != parts || split.Sum() != dim || split.Any(v => v < 0))
            throw new ArgumentException($"split {Tensor.FormatShape(split)} does not cut dimension {a} of size {dim} into {parts} outputs", "split");

        long[] shape = x.Shape;
        long outer = OpArgs.Product(shape, 0, a), inner = OpArgs.Product(shape, a + 1), at = 0;
        for (int i = 0; i < parts; i++)
        {
            shape[a] = split[i];
            long block = split[i] * inner;
            if (context.WantsOutput(i))
            {
                Tensor y = context.Output(i, x.ElementType, shape);
                for (long o = 0; o < outer; o++)
                    ElementCopy.Block(x, o * dim * inner + at, y, o * block, block);
            }
            at += block;
        }
    }
}
