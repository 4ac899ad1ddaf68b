namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Flatten: [d0..d(axis-1)] and [d(axis)..] become the two dimensions of a 2-D view. No copy.</summary>
internal sealed class FlattenKernel(long axis) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) => new FlattenKernel(c.Attributes.GetInt("axis", 1));

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        ReadOnlySpan<long> s = x.ShapeSpan();
        long a = axis < 0 ? axis + s.Length : axis; // Flatten allows axis = rank (everything in the first dimension)
        if (a < 0 || a > s.Length)
            throw new ArgumentException($"axis {axis} is out of range for rank {s.Length}", "axis");
        context.SetOutput(0, TensorViews.Reshape(x, [OpArgs.Product(s, 0, (int)a), OpArgs.Product(s, (int)a)]));
    }
}
