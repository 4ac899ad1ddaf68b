namespace MlNetGraviton.Runtime.Ops.Tensors;

/// <summary>Transpose by a permutation (default: reverse the axes). Rows of the output are gathered with one stride each.</summary>
internal sealed class TransposeKernel(long[]? perm) : OpKernel
{
    public static OpKernel Create(OpLoadContext c) => new TransposeKernel(c.Attributes.GetInts("perm"));

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        ReadOnlySpan<long> s = x.ShapeSpan();
        int rank = s.Length;
        int[] p = Permutation(rank);
        var shape = new long[rank];
        for (int i = 0; i < rank; i++)
            shape[i] = s[p[i]];
        Tensor y = context.Output(0, x.ElementType, shape);
        if (y.ElementCount == 0)
            return;
        if (rank == 0)
        {
            Array.Copy(x.Data, y.Data, 1);
            return;
        }
        long[] inStrides = OpArgs.Strides(s);
        long inner = shape[rank - 1], innerStride = inStrides[p[rank - 1]];
        long rows = y.ElementCount / inner;
        var index = new long[rank - 1];
        long src = 0;
        for (long row = 0; row < rows; row++)
        {
            ElementCopy.Strided(x, src, innerStride, y, row * inner, inner);
            // Odometer over the output's outer axes, moving the source offset along.
            for (int d = rank - 2; d >= 0; d--)
            {
                src += inStrides[p[d]];
                if (++index[d] < shape[d])
                    break;
                src -= inStrides[p[d]] * shape[d];
                index[d] = 0;
            }
        }
    }

    private int[] Permutation(int rank)
    {
        if (perm is null)
            return Enumerable.Range(0, rank).Reverse().ToArray();
        if (perm.Length != rank)
            throw new ArgumentException($"perm {Tensor.FormatShape(perm)} has {perm.Length} axes; the input has rank {rank}", "perm");
        var p = new int[rank];
        var seen = new bool[rank];
        for (int i = 0; i < rank; i++)
        {
            p[i] = OpArgs.Axis(perm[i], rank, "perm");
            if (seen[p[i]])
                throw new ArgumentException($"perm {Tensor.FormatShape(perm)} is not a permutation", "perm");
            seen[p[i]] = true;
        }
        return p;
    }
}
