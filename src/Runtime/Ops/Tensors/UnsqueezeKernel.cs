namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Unsqueeze: axes from the attribute (opset &lt; 13) or the second input (13+), negative counted from the output rank. No copy.</summary>
internal sealed class UnsqueezeKernel(long[]? attributeAxes) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        if (c.Opset < 13)
            return new UnsqueezeKernel(c.Attributes.GetInts("axes") ?? throw c.Unsupported("needs the 'axes' attribute before opset 13"));
        c.RequireInputs(2);
        return new UnsqueezeKernel(null);
    }

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        long[] axes = attributeAxes ?? OpArgs.Longs(context.Input(1), "axes");
        int rank = x.Rank + axes.Length;
        var inserted = new bool[rank];
        foreach (long a in axes)
        {
            int axis = OpArgs.Axis(a, rank, "axes");
            if (inserted[axis])
                throw new ArgumentException($"axes {Tensor.FormatShape(axes)} repeat axis {axis}", "axes");
            inserted[axis] = true;
        }
        var shape = new long[rank];
        ReadOnlySpan<long> s = x.ShapeSpan();
        for (int i = 0, j = 0; i < rank; i++)
            shape[i] = inserted[i] ? 1 : s[j++];
        context.SetOutput(0, TensorViews.Reshape(x, shape));
    }
}
