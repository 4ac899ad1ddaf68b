namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>GatherElements: out[i..] = data[i.. with the axis coordinate replaced by indices[i..]].</summary>
internal sealed class GatherElementsKernel(long axis) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) => new GatherElementsKernel(c.Attributes.GetInt("axis", 0));

    public override void Run(OpContext context)
    {
        Tensor data = context.Input(0);
        Tensor indicesTensor = context.Input(1);
        long[] indices = OpArgs.Longs(indicesTensor, "indices");
        int rank = data.Rank;
        if (indicesTensor.Rank != rank)
            throw new ArgumentException($"indices {indicesTensor} must have the rank of data {data}", "indices");
        int a = OpArgs.Axis(axis, rank);
        long[] shape = indicesTensor.Shape;
        for (int d = 0; d < rank; d++)
            if (d != a && shape[d] > data.Dimension(d))
                throw new ArgumentException($"indices {indicesTensor} exceed data {data} in dimension {d}", "indices");
        Tensor y = context.Output(0, data.ElementType, shape);
        long[] strides = OpArgs.Strides(data.ShapeSpan());
        long n = data.Dimension(a);
        var index = new long[rank];
        for (long i = 0; i < indices.Length; i++)
        {
            long idx = indices[i] < 0 ? indices[i] + n : indices[i];
            if (idx < 0 || idx >= n)
                throw new ArgumentException($"index {indices[i]} is out of range for dimension {a} of size {n}", "indices");
            long src = 0;
            for (int d = 0; d < rank; d++)
                src += (d == a ? idx : index[d]) * strides[d];
            ElementCopy.Block(data, src, y, i, 1);
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < shape[d])
                    break;
                index[d] = 0;
            }
        }
    }
}
