using System.Buffers;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Kernels.Threading;
using MlNetGraviton.Runtime.Ops.Algebra;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// FusedMatMul (com.microsoft): Y = alpha·A'·B' with A' = transA ? Aᵀ : A on the last two dimensions (likewise B), batch
/// dimensions broadcast as in MatMul. A constant 2-D B is packed once at load and all rows of A run as one SGEMM; a
/// runtime B (attention's Q·Kᵀ) goes matrix by matrix through <see cref="RowTimesMatrix"/>, with the batch split over
/// threads. transBatchA/transBatchB (batch-dimension transposes) are refused at load: ORT writes them only for training graphs.
/// </summary>
internal sealed class FusedMatMulKernel(float alpha, bool transA, bool transB, SgemmPackedB? packedB) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(2);
        foreach (string attribute in new[] { "transBatchA", "transBatchB" })
            if (c.Attributes.GetInt(attribute, 0) != 0)
                throw c.Unsupported($"with {attribute} = 1 is not supported (only 0: no batch-dimension transpose)");
        float alpha = c.Attributes.GetFloat("alpha", 1f);
        bool transA = c.Attributes.GetInt("transA", 0) != 0, transB = c.Attributes.GetInt("transB", 0) != 0;
        SgemmPackedB? packed = null;
        if (!transA && c.Constant(1) is { ElementType: TensorElementType.Float32, Rank: 2 } b)
        {
            int k = checked((int)(transB ? b.Dimension(1) : b.Dimension(0))), n = checked((int)(transB ? b.Dimension(0) : b.Dimension(1)));
            packed = c.PackWeight(b.AsSpan<float>(), k, n, transB);
        }
        return new FusedMatMulKernel(alpha, transA, transB, packed);
    }

    public override void Run(OpContext context)
    {
        Tensor a = context.Input(0);
        if (a.ElementType != TensorElementType.Float32 || a.Rank < 2)
            throw new ArgumentException($"FusedMatMul needs a float32 A of rank 2 or more, got {a}", "A");
        if (packedB is not null)
        {
            RunPacked(context, a);
            return;
        }
        Tensor b = context.Input(1);
        if (b.ElementType != TensorElementType.Float32 || b.Rank < 2)
            throw new ArgumentException($"FusedMatMul needs a float32 B of rank 2 or more, got {b}", "B");
        RunBatched(context, a, b);
    }

    private void RunPacked(OpContext context, Tensor a)
    {
        long[] sa = a.Shape;
        int k = packedB!.K, n = packedB.N;
        if (sa[^1] != k)
            throw new ArgumentException($"FusedMatMul: A {a} does not match B (K = {k}, transB = {transB})", "A");
        Tensor y = context.Output(0, TensorElementType.Float32, [.. sa[..^1], n]);
        int m = a.ElementCount / Math.Max(1, k);
        if (k == 0)
        {
            y.AsSpan<float>().Clear();
            return;
        }
        Sgemm.Run(m, a.AsSpan<float>(), k, packedB, y.AsSpan<float>(), n, new SgemmEpilogue { Alpha = alpha }, GemmThreads.For(m, k, n, context.Threads));
    }

    private void RunBatched(OpContext context, Tensor a, Tensor b)
    {
        long[] sa = a.Shape, sb = b.Shape;
        long m = transA ? sa[^1] : sa[^2], ka = transA ? sa[^2] : sa[^1];
        long kb = transB ? sb[^1] : sb[^2], n = transB ? sb[^2] : sb[^1];
        if (ka != kb)
            throw new ArgumentException($"FusedMatMul: A {a} and B {b} do not match (K = {ka} vs {kb}; transA={transA}, transB={transB})", "inputs");
        long[] batchA = sa[..^2], batchB = sb[..^2];
        long[] batch = BroadcastLoop.Shape(batchA, batchB);
        Tensor y = context.Output(0, TensorElementType.Float32, [.. batch, m, n]);
        if (y.ElementCount == 0)
            return;
        var loop = BroadcastLoop.Create(batch, batchA, batchB);
        int matrices = loop.Rows * loop.Inner;
        var aOffsets = ArrayPool<int>.Shared.Rent(matrices);
        var bOffsets = ArrayPool<int>.Shared.Rent(matrices);
        try
        {
            for (int row = 0, i = 0; row < loop.Rows; row++)
                for (int inner = 0; inner < loop.Inner; inner++, i++)
                {
                    aOffsets[i] = checked((int)((loop.Offset(0, row) + (long)inner * loop.InnerStrides[0]) * m * ka));
                    bOffsets[i] = checked((int)((loop.Offset(1, row) + (long)inner * loop.InnerStrides[1]) * kb * n));
                }
            var task = new MatrixTask
            {
                A = (float[])a.Data,
                B = (float[])b.Data,
                Y = (float[])y.Data,
                AOffsets = aOffsets,
                BOffsets = bOffsets,
                M = (int)m,
                K = (int)ka,
                N = (int)n,
                TransA = transA,
                TransB = transB,
                Alpha = alpha,
            };
            int threads = GemmThreads.For(m * matrices, ka, n, context.Threads);
            KernelThreadPool.Shared.For(ref task, matrices, Math.Min(threads, matrices));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(aOffsets);
            ArrayPool<int>.Shared.Return(bOffsets);
        }
    }

    /// <summary>One output matrix: transposed operands are staged densely first, then each row goes through the leaf.</summary>
    private struct MatrixTask : ITileTask
    {
        public float[] A, B, Y;
        public int[] AOffsets, BOffsets;
        public int M, K, N;
        public bool TransA, TransB;
        public float Alpha;

        public readonly void Run(int index)
        {
            int m = M, k = K, n = N;
            float[]? stagedA = TransA ? ArrayPool<float>.Shared.Rent(m * k) : null;
            float[]? stagedB = TransB ? ArrayPool<float>.Shared.Rent(k * n) : null;
            try
            {
                ReadOnlySpan<float> a = A.AsSpan(AOffsets[index], m * k), b = B.AsSpan(BOffsets[index], k * n);
                if (stagedA is not null)
                {
                    Transpose(a, k, m, stagedA); // stored [k, m]
                    a = stagedA.AsSpan(0, m * k);
                }
                if (stagedB is not null)
                {
                    Transpose(b, n, k, stagedB); // stored [n, k]
                    b = stagedB.AsSpan(0, k * n);
                }
                Span<float> y = Y.AsSpan(index * m * n, m * n);
                for (int i = 0; i < m; i++)
                    RowTimesMatrix.Run(a.Slice(i * k, k), b, n, y.Slice(i * n, n), Alpha);
            }
            finally
            {
                if (stagedA is not null)
                    ArrayPool<float>.Shared.Return(stagedA);
                if (stagedB is not null)
                    ArrayPool<float>.Shared.Return(stagedB);
            }
        }

        private static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
        {
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                    destination[c * rows + r] = source[r * columns + c];
        }
    }
}
