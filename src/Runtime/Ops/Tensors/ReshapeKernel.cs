namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Reshape (opset 5+): 0 copies the input's dimension (unless allowzero, opset 14), -1 is inferred. No copy.</summary>
internal sealed class ReshapeKernel(bool allowZero) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) => new ReshapeKernel(c.Attributes.GetInt("allowzero", 0) != 0);

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        long[] requested = OpArgs.Longs(context.Input(1), "shape");
        context.SetOutput(0, TensorViews.Reshape(x, Resolve(x.ShapeSpan(), requested, allowZero)));
    }

    public static long[] Resolve(ReadOnlySpan<long> input, long[] requested, bool allowZero)
    {
        var shape = (long[])requested.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 0 && !allowZero)
            {
                if (i >= input.Length)
                    throw new ArgumentException($"shape {Tensor.FormatShape(requested)} copies dimension {i} of input {Tensor.FormatShape(input)}, which has none", "shape");
                shape[i] = input[i];
            }
            if (shape[i] == -1)
            {
                if (infer >= 0)
                    throw new ArgumentException($"shape {Tensor.FormatShape(requested)} has more than one -1", "shape");
                infer = i;
                continue;
            }
            if (shape[i] < 0)
                throw new ArgumentException($"shape {Tensor.FormatShape(requested)} has a negative dimension", "shape");
            known *= shape[i];
        }
        long count = Tensor.ElementCountOf(input);
        if (infer >= 0)
        {
            if (known == 0 || count % known != 0)
                throw new ArgumentException($"cannot reshape {Tensor.FormatShape(input)} to {Tensor.FormatShape(requested)}", "shape");
            shape[infer] = count / known;
        }
        else if (known != count)
            throw new ArgumentException($"cannot reshape {Tensor.FormatShape(input)} ({count} elements) to {Tensor.FormatShape(requested)}", "shape");
        return shape;
    }
}
