namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>ConstantOfShape: a tensor of the given shape filled with the one-element 'value' attribute (default float 0).</summary>
internal sealed class ConstantOfShapeKernel(Tensor value) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        Tensor value = c.Attributes.GetTensor("value") ?? Tensor.Create(new[] { 0f }, 1);
        if (value.ElementCount != 1)
            throw c.Unsupported($"needs a one-element 'value', got {value}");
        return new ConstantOfShapeKernel(value);
    }

    public override void Run(OpContext context)
    {
        long[] shape = OpArgs.Longs(context.Input(0), "input");
        Tensor y = context.Output(0, value.ElementType, shape);
        if (y.ElementCount > 0)
            ElementCopy.Repeat(value, 0, y, 0, y.ElementCount);
    }
}
