namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Gather along an axis with int64/int32 indices (negative counts from the end): embedding lookups and index picks.</summary>
internal sealed class GatherKernel(long axis) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) => new GatherKernel(c.Attributes.GetInt("axis", 0));

    public override void Run(OpContext context)
    {
        Tensor data = context.Input(0);
        Tensor indicesTensor = context.Input(1);
        long[] indices = OpArgs.Longs(indicesTensor, "indices");
        int rank = data.Rank;
        int a = OpArgs.Axis(axis, rank);
        long n = data.Dimension(a);
        long[] ds = data.Shape;
        var shape = new List<long>(ds.AsSpan(0, a).ToArray());
        shape.AddRange(indicesTensor.Shape);
        shape.AddRange(ds.AsSpan(a + 1).ToArray());
        Tensor y = context.Output(0, data.ElementType, shape.ToArray());
        long outer = OpArgs.Product(ds, 0, a), inner = OpArgs.Product(ds, a + 1);
        for (int j = 0; j < indices.Length; j++)
        {
            long idx = indices[j] < 0 ? indices[j] + n : indices[j];
            if (idx < 0 || idx >= n)
                throw new ArgumentException($"index {indices[j]} is out of range for dimension {a} of size {n} (data {data})", "indices");
            indices[j] = idx;
        }
        for (long o = 0; o < outer; o++)
            for (int j = 0; j < indices.Length; j++)
                ElementCopy.Block(data, (o * n + indices[j]) * inner, y, (o * indices.Length + j) * inner, inner);
    }
}
