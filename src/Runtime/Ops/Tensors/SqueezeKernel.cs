namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Squeeze: axes from the attribute (opset &lt; 13) or the optional second input (13+); none means every size-1 axis. No copy.</summary>
internal sealed class SqueezeKernel(long[]? attributeAxes, bool axesFromInput) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) =>
        c.Opset < 13 ? new SqueezeKernel(c.Attributes.GetInts("axes"), false) : new SqueezeKernel(null, true);

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        ReadOnlySpan<long> s = x.ShapeSpan();
        long[]? axes = axesFromInput ? (context.OptionalInput(1) is { } t ? OpArgs.Longs(t, "axes") : null) : attributeAxes;
        var drop = new bool[s.Length];
        if (axes is null)
        {
            for (int i = 0; i < s.Length; i++)
                drop[i] = s[i] == 1;
        }
        else
        {
            foreach (long a in axes)
            {
                int axis = OpArgs.Axis(a, s.Length, "axes");
                if (s[axis] != 1)
                    throw new ArgumentException($"cannot squeeze axis {a} of shape {Tensor.FormatShape(s)}: its size is {s[axis]}, not 1", "axes");
                drop[axis] = true;
            }
        }
        var shape = new List<long>(s.Length);
        for (int i = 0; i < s.Length; i++)
            if (!drop[i])
                shape.Add(s[i]);
        context.SetOutput(0, TensorViews.Reshape(x, shape.ToArray()));
    }
}
