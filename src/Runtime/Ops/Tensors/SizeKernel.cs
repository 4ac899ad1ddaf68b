namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Size: the input's element count as an int64 scalar.</summary>
internal sealed class SizeKernel : OpKernel
{
    public override void Run(OpContext context)
    {
        Tensor output = context.Output(0, TensorElementType.Int64, []);
        output.AsSpan<long>()[0] = context.Input(0).ElementCount;
    }
}
