namespace MlNetGraviton.Runtime.Ops.Elementwise;

/// <summary>Max, Min, Sum over one or more broadcast inputs, folded pairwise.</summary>
internal sealed class VariadicKernel(BinaryKind kind) : OpKernel
{
    public override void Run(OpContext context)
    {
        var inputs = new List<Tensor>();
        for (int i = 0; i < context.InputCount; i++)
            if (context.OptionalInput(i) is { } t)
                inputs.Add(t);
        if (inputs.Count == 0)
            throw new ArgumentException($"{kind} needs at least one input", "inputs");
        long[] shape = BroadcastLoop.Shape(inputs.Select(t => t.Shape).ToArray());
        Tensor acc = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            BinaryKernel.ResultType(kind, acc, inputs[i]);
            long[] step = BroadcastLoop.Shape(acc.Shape, inputs[i].Shape);
            Tensor next = i == inputs.Count - 1 ? context.Output(0, acc.ElementType, shape) : Tensor.Zeros(acc.ElementType, step);
            BinaryKernel.Compute(kind, acc, inputs[i], next);
            acc = next;
        }
        if (inputs.Count == 1)
        {
            Tensor output = context.Output(0, acc.ElementType, shape);
            Array.Copy(acc.Data, output.Data, acc.ElementCount);
        }
    }
}
