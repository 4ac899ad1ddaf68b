using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;
using MlNetGraviton.Runtime.Ops.Algebra;

namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>
/// The matrix product behind MatMulInteger, MatMulIntegerToFloat and DynamicQuantizeMatMul: int8/uint8 A (rank ≥ 1,
/// NumPy MatMul semantics with broadcast batch dimensions) times int8/uint8 B on <see cref="Qgemm"/>, either as exact
/// int32 or dequantized to float in the GEMM's fused epilogue. A B shared by every batch (a 2-D weight) makes all rows of
/// A one GEMM on a B packed once (at load when B is constant); a batched B is packed per matrix.
/// </summary>
internal static class QuantizedMatMul
{
    /// <summary>How int32 products become float: Activation(c · (AScale · BScales[j]) + Bias[j]).</summary>
    public readonly record struct Dequantization(float AScale, ReadOnlyMemory<float> BScales, ReadOnlyMemory<float> Bias,
        GemmActivation Activation = GemmActivation.None);

    /// <summary>
    /// Computes output 0 of the node. <paramref name="aZeroPoint"/> is A's per-tensor zero point; <paramref name="aRowZeroPoints"/>,
    /// when set, overrides it per row of each A matrix (int32 output only). B is <paramref name="constantB"/> (2-D, packed at load)
    /// or the run-time tensor <paramref name="b"/> with its <paramref name="bZeroPoint"/>.
    /// </summary>
    public static void Run(OpContext context, QuantizedActivation a, int aZeroPoint, int[]? aRowZeroPoints,
        QuantizedWeight? constantB, Tensor? b, Tensor? bZeroPoint, Dequantization? dequantize, CpuFeatures cpu)
    {
        long[] sa = a.Shape;
        long[] sb = constantB is not null ? [constantB.K, constantB.N] : b!.Shape;
        if (sa.Length == 0 || sb.Length == 0)
            throw new ArgumentException($"A and B need rank 1 or more; got A {Tensor.FormatShape(sa)} and B {Tensor.FormatShape(sb)}", "inputs");
        bool aVector = sa.Length == 1, bVector = sb.Length == 1;
        long[] a2 = aVector ? [1, sa[0]] : sa;
        long[] b2 = bVector ? [sb[0], 1] : sb;
        long m = a2[^2], k = a2[^1], n = b2[^1];
        if (b2[^2] != k)
            throw new ArgumentException(
                $"A {Tensor.FormatShape(sa)} and B {Tensor.FormatShape(sb)} do not match (A's last dimension {k} vs B's second-to-last {b2[^2]})", "inputs");
        if (aRowZeroPoints is not null && aRowZeroPoints.Length != m)
            throw new ArgumentException(
                $"A's zero point has {aRowZeroPoints.Length} values; per-row quantization needs one per row of A (M = {m})", "a_zero_point");
        long[] batchA = a2[..^2], batchB = b2[..^2];
        long[] batch = BroadcastLoop.Shape(batchA, batchB);
        var shape = new List<long>(batch);
        if (!aVector)
            shape.Add(m);
        if (!bVector)
            shape.Add(n);
        Tensor y = context.Output(0, dequantize is null ? TensorElementType.Int32 : TensorElementType.Float32, shape.ToArray());
        if (y.ElementCount == 0)
            return;
        if (k == 0)
        {
            FillWithoutProducts(y, (int)n, dequantize);
            return;
        }
        int threads = GemmThreads.For(m, k, n, context.Threads);
        if (OpArgs.Product(batchB) == 1)
        {
            QuantizedWeight w = constantB ?? QuantizedWeight.Pack(b!, 0, (int)k, (int)n, bZeroPoint, cpu, "B");
            long rows = OpArgs.Product(batchA) * m;
            Gemm(checked((int)rows), a, 0, aZeroPoint, aRowZeroPoints, w, y, 0, dequantize, GemmThreads.For(rows, k, n, context.Threads));
            return;
        }
        var loop = BroadcastLoop.Create(batch, batchA, batchB);
        long aMatrix = m * k, bMatrix = k * n, yMatrix = m * n;
        var packed = new Dictionary<long, QuantizedWeight>();
        for (int row = 0; row < loop.Rows; row++)
        {
            for (int i = 0; i < loop.Inner; i++)
            {
                long batchIndex = (long)row * loop.Inner + i;
                long ao = (loop.Offset(0, row) + (long)i * loop.InnerStrides[0]) * aMatrix;
                long bo = (loop.Offset(1, row) + (long)i * loop.InnerStrides[1]) * bMatrix;
                if (!packed.TryGetValue(bo, out QuantizedWeight? w))
                    packed[bo] = w = QuantizedWeight.Pack(b!, bo, (int)k, (int)n, bZeroPoint, cpu, "B");
                Gemm((int)m, a, ao, aZeroPoint, aRowZeroPoints, w, y, batchIndex * yMatrix, dequantize, threads);
            }
        }
    }

    private static void Gemm(int m, QuantizedActivation a, long aOffset, int aZeroPoint, int[]? aRowZeroPoints, QuantizedWeight w,
        Tensor y, long yOffset, Dequantization? dequantize, int threads)
    {
        int k = w.K, n = w.N, count = checked(m * k), outCount = checked(m * n);
        QgemmPackedB packed = w.Packed;
        int za = aRowZeroPoints is null ? aZeroPoint : 0;
        if (dequantize is { } d)
        {
            var epilogue = new QgemmEpilogue { AScale = d.AScale, BScales = d.BScales, Bias = d.Bias, Activation = d.Activation };
            Span<float> c = y.AsSpan<float>().Slice((int)yOffset, outCount);
            if (a.Signed)
                Qgemm.Run(m, a.SignedSpan((int)aOffset, count), k, (sbyte)za, packed, c, n, epilogue, threads);
            else
                Qgemm.Run(m, a.UnsignedSpan((int)aOffset, count), k, (byte)za, packed, c, n, epilogue, threads);
            return;
        }
        Span<int> ci = y.AsSpan<int>().Slice((int)yOffset, outCount);
        if (a.Signed)
            Qgemm.Run(m, a.SignedSpan((int)aOffset, count), k, (sbyte)za, packed, ci, n, threads);
        else
            Qgemm.Run(m, a.UnsignedSpan((int)aOffset, count), k, (byte)za, packed, ci, n, threads);
        if (aRowZeroPoints is not null)
            CorrectRowZeroPoints(ci, m, n, aRowZeroPoints, w.CentredColumnSums);
    }

    // Σₖ (a − za[i])(b − zb) = Σₖ a(b − zb) − za[i]·Σₖ (b − zb): the GEMM ran with za = 0, this subtracts the second term.
    private static void CorrectRowZeroPoints(Span<int> c, int m, int n, int[] rowZeroPoints, int[] columnSums)
    {
        for (int i = 0; i < m; i++)
        {
            int z = rowZeroPoints[i % rowZeroPoints.Length];
            if (z == 0)
                continue;
            Span<int> row = c.Slice(i * n, n);
            for (int j = 0; j < n; j++)
                row[j] = unchecked(row[j] - z * columnSums[j]);
        }
    }

    // K = 0: every dot product is empty, so int32 outputs are 0 and float outputs are the bias (or 0).
    private static void FillWithoutProducts(Tensor y, int n, Dequantization? dequantize)
    {
        if (dequantize is not { } d)
        {
            y.AsSpan<int>().Clear();
            return;
        }
        Span<float> c = y.AsSpan<float>();
        if (d.Bias.IsEmpty || n == 0)
            c.Clear();
        else
            for (int i = 0; i < c.Length; i += n)
                d.Bias.Span.CopyTo(c.Slice(i, n));
        if (d.Activation != GemmActivation.None)
            Contrib.GeluMath.Row(d.Activation == GemmActivation.GeluErf ? Contrib.GeluForm.Erf : Contrib.GeluForm.Tanh, c, [], c, 0f);
    }
}
