namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>Reading the scale, zero-point and bias inputs of the quantized ops, with errors that name the input.</summary>
internal static class QuantizedArgs
{
    /// <summary>A per-tensor zero point of <paramref name="type"/> (absent: 0).</summary>
    public static int ScalarZeroPoint(Tensor? zeroPoint, TensorElementType type, string what)
    {
        if (zeroPoint is null)
            return 0;
        CheckType(zeroPoint, type, what);
        if (zeroPoint.ElementCount != 1)
            throw new ArgumentException($"{what} must be a scalar (per-tensor quantization), got {zeroPoint}", what);
        return ZeroPointAt(zeroPoint, 0);
    }

    /// <summary>A's zero point: a scalar, or 1-D with one value per row of A (returned in <paramref name="perRow"/>).</summary>
    public static int RowZeroPoints(Tensor? zeroPoint, TensorElementType type, string what, out int[]? perRow)
    {
        perRow = null;
        if (zeroPoint is null)
            return 0;
        CheckType(zeroPoint, type, what);
        if (zeroPoint.ElementCount == 1 && zeroPoint.Rank <= 1)
            return ZeroPointAt(zeroPoint, 0);
        if (zeroPoint.Rank != 1)
            throw new ArgumentException($"{what} must be a scalar or 1-D (one value per row of A), got {zeroPoint}", what);
        perRow = new int[zeroPoint.ElementCount];
        for (int i = 0; i < perRow.Length; i++)
            perRow[i] = ZeroPointAt(zeroPoint, i);
        return 0;
    }

    /// <summary>A single float32 scale.</summary>
    public static float ScalarScale(Tensor scale, string what)
    {
        if (scale.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"{what} must be float32, got {scale}", what);
        if (scale.ElementCount != 1)
            throw new ArgumentException($"{what} must be a scalar (per-tensor quantization), got {scale}", what);
        return scale.AsSpan<float>()[0];
    }

    /// <summary>float32 scales of B: a scalar or 1-D with one value per column (N).</summary>
    public static ReadOnlyMemory<float> ColumnScales(Tensor scale, long n, string what)
    {
        if (scale.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"{what} must be float32, got {scale}", what);
        if (scale.Rank > 1 || (scale.ElementCount != 1 && scale.ElementCount != n))
            throw new ArgumentException($"{what} must be a scalar or 1-D with one value per column of B (N = {n}), got {scale}", what);
        return (float[])scale.Data;
    }

    /// <summary>A float32 bias of N values, or empty when absent.</summary>
    public static ReadOnlyMemory<float> Bias(Tensor? bias, long n, string what)
    {
        if (bias is null)
            return ReadOnlyMemory<float>.Empty;
        if (bias.ElementType != TensorElementType.Float32 || bias.Rank != 1 || bias.ElementCount != n)
            throw new ArgumentException($"{what} must be float32 of shape [{n}] (one value per column of B), got {bias}", what);
        return (float[])bias.Data;
    }

    /// <summary>Columns of B (its last dimension; 1 for a 1-D B).</summary>
    public static long Columns(Tensor b) => b.Rank == 1 ? 1 : b.Dimension(b.Rank - 1);

    private static void CheckType(Tensor zeroPoint, TensorElementType type, string what)
    {
        if (zeroPoint.ElementType != type)
            throw new ArgumentException($"{what} must have its operand's element type {type.DisplayName()}, got {zeroPoint}", what);
    }

    private static int ZeroPointAt(Tensor zeroPoint, int index) => zeroPoint.ElementType switch
    {
        TensorElementType.UInt8 => zeroPoint.AsSpan<byte>()[index],
        TensorElementType.Int8 => zeroPoint.AsSpan<sbyte>()[index],
        TensorElementType.Int32 => zeroPoint.AsSpan<int>()[index],
        _ => throw new ArgumentException($"a zero point must be uint8, int8 or int32, got {zeroPoint}", "zero_point"),
    };
}
