namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>
/// Identity, and Dropout at inference (ratio ignored, training_mode must be false): output 0 is the input itself
/// (no copy); Dropout's optional mask output is all true.
/// </summary>
internal sealed class IdentityKernel : OpKernel
{
    public static OpKernel CreateDropout(OpLoadContext c)
    {
        if (c.Constant(2) is { } training && training.ElementType == TensorElementType.Bool && training.AsSpan<bool>()[0])
            throw c.Unsupported("with training_mode = true is not supported (inference only)");
        if (c.HasInput(2) && c.Constant(2) is null)
            throw c.Unsupported("with a non-constant training_mode input is not supported (inference only)");
        return new IdentityKernel();
    }

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        context.SetOutput(0, x);
        if (context.WantsOutput(1))
        {
            Tensor mask = context.Output(1, TensorElementType.Bool, x.ShapeSpan());
            mask.AsSpan<bool>().Fill(true);
        }
    }
}
