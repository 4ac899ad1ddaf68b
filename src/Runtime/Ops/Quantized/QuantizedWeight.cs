using MlNetGraviton.Kernels;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>
/// One K × N int8 or uint8 B matrix packed for <see cref="Qgemm"/> with its zero points, plus the column sums
/// Σₖ (b − zb) that a per-row A zero point needs. uint8 B is shifted to int8 (b − 128, zb − 128): the differences
/// (b − zb) are unchanged, so the products are exact. Immutable; made once at load for a constant B.
/// </summary>
internal sealed class QuantizedWeight
{
    private QuantizedWeight(QgemmPackedB packed, int[] centredColumnSums)
    {
        Packed = packed;
        CentredColumnSums = centredColumnSums;
    }

    public QgemmPackedB Packed { get; }

    public int K => Packed.K;

    public int N => Packed.N;

    /// <summary>Per column: Σₖ (b[k, j] − zb[j]).</summary>
    public int[] CentredColumnSums { get; }

    /// <summary>
    /// Packs the K × N matrix of <paramref name="b"/> that starts at element <paramref name="offset"/>;
    /// <paramref name="zeroPoint"/> is absent (0), one value, or N values of B's element type.
    /// </summary>
    public static QuantizedWeight Pack(Tensor b, long offset, int k, int n, Tensor? zeroPoint, CpuFeatures cpu, string what)
    {
        if (k < 1 || n < 1)
            throw new ArgumentException($"{what}: B must have K ≥ 1 and N ≥ 1 to be packed, got K = {k}, N = {n}", what);
        sbyte[] zb = ZeroPoints(b.ElementType, zeroPoint, n, what);
        int count = checked(k * n);
        ReadOnlySpan<sbyte> signed;
        sbyte[]? shifted = null;
        switch (b.ElementType)
        {
            case TensorElementType.Int8:
                signed = b.AsSpan<sbyte>().Slice(checked((int)offset), count);
                break;
            case TensorElementType.UInt8:
                shifted = new sbyte[count];
                ReadOnlySpan<byte> raw = b.AsSpan<byte>().Slice(checked((int)offset), count);
                for (int i = 0; i < count; i++)
                    shifted[i] = (sbyte)(raw[i] ^ 0x80);
                signed = shifted;
                break;
            default:
                throw new ArgumentException($"{what}: B must be int8 or uint8, got {b}", what);
        }
        var sums = new int[n];
        for (int kk = 0; kk < k; kk++)
        {
            ReadOnlySpan<sbyte> row = signed.Slice(kk * n, n);
            for (int j = 0; j < n; j++)
                sums[j] += row[j];
        }
        for (int j = 0; j < n; j++)
            sums[j] -= k * zb[zb.Length == 1 ? 0 : j];
        return new QuantizedWeight(Qgemm.PackB(signed, k, n, zb, cpu), sums);
    }

    /// <summary>B's zero points as int8 (shifted by −128 for uint8 B): length 1 or N.</summary>
    private static sbyte[] ZeroPoints(TensorElementType bType, Tensor? zeroPoint, int n, string what)
    {
        if (zeroPoint is null)
            return [bType == TensorElementType.UInt8 ? (sbyte)-128 : (sbyte)0];
        if (zeroPoint.ElementType != bType)
            throw new ArgumentException($"{what}: B's zero point {zeroPoint} must have B's element type {bType.DisplayName()}", what);
        if (zeroPoint.Rank > 1 || (zeroPoint.ElementCount != 1 && zeroPoint.ElementCount != n))
            throw new ArgumentException(
                $"{what}: B's zero point {zeroPoint} must be a scalar or 1-D with one value per column (N = {n})", what);
        if (bType == TensorElementType.Int8)
            return zeroPoint.AsSpan<sbyte>().ToArray();
        ReadOnlySpan<byte> raw = zeroPoint.AsSpan<byte>();
        var result = new sbyte[raw.Length];
        for (int i = 0; i < raw.Length; i++)
            result[i] = (sbyte)(raw[i] ^ 0x80);
        return result;
    }
}
