namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Concat along one axis: for each outer index, each input contributes one contiguous block.</summary>
internal sealed class ConcatKernel(long axis) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) =>
        new ConcatKernel(c.Attributes.Has("axis") ? c.Attributes.GetInt("axis", 0) : throw c.Unsupported("needs the 'axis' attribute"));

    public override void Run(OpContext context)
    {
        var inputs = new List<Tensor>();
        for (int i = 0; i < context.InputCount; i++)
            if (context.OptionalInput(i) is { } t)
                inputs.Add(t);
        Tensor first = inputs[0];
        int rank = first.Rank;
        int a = OpArgs.Axis(axis, rank);
        long[] shape = first.Shape;
        shape[a] = 0;
        foreach (Tensor t in inputs)
        {
            if (t.Rank != rank || t.ElementType != first.ElementType)
                throw new ArgumentException($"Concat inputs must share element type and rank: {first} and {t}", "inputs");
            for (int d = 0; d < rank; d++)
                if (d != a && t.Dimension(d) != first.Dimension(d))
                    throw new ArgumentException($"Concat inputs {first} and {t} differ in dimension {d} (axis is {a})", "inputs");
            shape[a] += t.Dimension(a);
        }
        Tensor y = context.Output(0, first.ElementType, shape);
        long outer = OpArgs.Product(shape, 0, a), inner = OpArgs.Product(shape, a + 1);
        long rowOut = shape[a] * inner, at = 0;
        foreach (Tensor t in inputs)
        {
            long block = t.Dimension(a) * inner;
            for (long o = 0; o < outer; o++)
                ElementCopy.Block(t, o * block, y, o * rowOut + at, block);
            at += block;
        }
    }
}
