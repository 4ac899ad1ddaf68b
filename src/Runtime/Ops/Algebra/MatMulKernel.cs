using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Runtime.Ops.Algebra;

/// <summary>
/// MatMul with NumPy semantics (1-D operands promoted, batch dimensions broadcast). A constant 2-D B is packed once at
/// load and every row of A (all batches together) runs as one SGEMM; other products pack B per matrix.
/// </summary>
internal sealed class MatMulKernel(SgemmPackedB? packedB, long[]? constantBShape) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(2);
        if (c.Constant(1) is { } b && b.ElementType == TensorElementType.Float32 && b.Rank == 2)
        {
            int k = checked((int)b.Dimension(0)), n = checked((int)b.Dimension(1));
            return new MatMulKernel(c.PackWeight(b.AsSpan<float>(), k, n, transB: false), b.Shape);
        }
        return new MatMulKernel(null, null);
    }

    public override void Run(OpContext context)
    {
        Tensor a = context.Input(0);
        if (a.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"MatMul supports float32 inputs; A is {a}", "A");
        if (packedB is not null)
        {
            RunPacked(context, a);
            return;
        }
        Tensor b = context.Input(1);
        if (b.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"MatMul supports float32 inputs; B is {b}", "B");
        RunGeneral(context, a, b);
    }

    private void RunPacked(OpContext context, Tensor a)
    {
        long k = constantBShape![0], n = constantBShape[1];
        long[] aShape = a.Shape;
        bool vector = aShape.Length == 1;
        if (aShape.Length == 0 || aShape[^1] != k)
            throw new ArgumentException($"MatMul: A {a} does not match B [{k}, {n}] (A's last dimension must be {k})", "A");
        long[] shape = vector ? [n] : [.. aShape[..^1], n];
        Tensor y = context.Output(0, TensorElementType.Float32, shape);
        int m = checked((int)(a.ElementCount / Math.Max(1, k)));
        if (k == 0)
        {
            y.AsSpan<float>().Clear();
            return;
        }
        Sgemm.Run(m, a.AsSpan<float>(), (int)k, packedB!, y.AsSpan<float>(), (int)n, default, GemmThreads.For(m, k, n, context.Threads));
    }

    private static void RunGeneral(OpContext context, Tensor a, Tensor b)
    {
        long[] sa = a.Shape, sb = b.Shape;
        if (sa.Length == 0 || sb.Length == 0)
            throw new ArgumentException($"MatMul needs inputs of rank 1 or more; got {a} and {b}", "inputs");
        bool aVector = sa.Length == 1, bVector = sb.Length == 1;
        long[] a2 = aVector ? [1, sa[0]] : sa;
        long[] b2 = bVector ? [sb[0], 1] : sb;
        long m = a2[^2], k = a2[^1], n = b2[^1];
        if (b2[^2] != k)
            throw new ArgumentException($"MatMul: A {a} and B {b} do not match (A's last dimension {k} vs B's second-to-last {b2[^2]})", "inputs");
        long[] batchA = a2[..^2], batchB = b2[..^2];
        long[] batch = BroadcastLoop.Shape(batchA, batchB);
        var shape = new List<long>(batch);
        if (!aVector)
            shape.Add(m);
        if (!bVector)
            shape.Add(n);
        Tensor y = context.Output(0, TensorElementType.Float32, shape.ToArray());
        Span<float> yd = y.AsSpan<float>();
        if (y.ElementCount == 0)
            return;
        if (k == 0)
        {
            yd.Clear();
            return;
        }
        ReadOnlySpan<float> ad = a.AsSpan<float>(), bd = b.AsSpan<float>();
        long batches = OpArgs.Product(batch);
        var loop = BroadcastLoop.Create(batch, batchA, batchB);
        // The loop addresses matrices: offsets count whole matrices, so scale by their sizes.
        long aMatrix = m * k, bMatrix = k * n, yMatrix = m * n;
        SgemmPackedB? shared = null;
        for (int row = 0; row < loop.Rows; row++)
        {
            for (int i = 0; i < loop.Inner; i++)
            {
                long batchIndex = (long)row * loop.Inner + i;
                long ao = (loop.Offset(0, row) + (long)i * loop.InnerStrides[0]) * aMatrix;
                long bo = (loop.Offset(1, row) + (long)i * loop.InnerStrides[1]) * bMatrix;
                // B repeated across the batch (stride 0 everywhere) is packed once.
                SgemmPackedB packed = batches > 1 && batchB.All(d => d == 1)
                    ? shared ??= Sgemm.PackB(bd.Slice((int)bo, (int)bMatrix), (int)k, (int)n)
                    : Sgemm.PackB(bd.Slice((int)bo, (int)bMatrix), (int)k, (int)n);
                Sgemm.Run((int)m, ad.Slice((int)ao, (int)aMatrix), (int)k, packed, yd.Slice((int)(batchIndex * yMatrix), (int)yMatrix), (int)n,
                    default, GemmThreads.For(m, k, n, context.Threads));
            }
        }
    }
}
