namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>
/// How QuantizeLinear / DequantizeLinear walk their input: per tensor (one scale) or per axis (one scale and zero point
/// per index along <c>axis</c>, opset 13+). The input is Outer × Channels × Inner elements; each run of Inner
/// elements shares one scale.
/// </summary>
internal readonly record struct QuantizationAxis(int Outer, int Channels, int Inner)
{
    /// <summary>Resolves the layout of <paramref name="x"/> for <paramref name="scaleCount"/> scales.</summary>
    public static QuantizationAxis For(Tensor x, Tensor scale, long axisAttribute, bool perAxisAllowed, string op)
    {
        if (scale.ElementCount == 1 && scale.Rank <= 1)
            return new QuantizationAxis(1, 1, x.ElementCount);
        if (!perAxisAllowed || scale.Rank != 1)
            throw new ArgumentException(
                $"{op}: the scale {scale} must be a scalar{(perAxisAllowed ? " or 1-D (per axis)" : " at this opset (per-axis scales need opset 13)")}",
                "scale");
        int axis = OpArgs.Axis(axisAttribute, x.Rank);
        long channels = x.Dimension(axis);
        if (scale.ElementCount != channels)
            throw new ArgumentException(
                $"{op}: the scale {scale} must hold one value per index of axis {axis} of x {x} ({channels})", "scale");
        ReadOnlySpan<long> shape = x.ShapeSpan();
        return new QuantizationAxis((int)OpArgs.Product(shape, 0, axis), (int)channels, (int)OpArgs.Product(shape, axis + 1));
    }

    /// <summary>Checks that the zero point (if any) has the scale's shape.</summary>
    public static void CheckZeroPoint(Tensor? zeroPoint, Tensor scale, string op)
    {
        if (zeroPoint is not null && zeroPoint.ElementCount != scale.ElementCount)
            throw new ArgumentException($"{op}: the zero point {zeroPoint} must have the scale's shape {Tensor.FormatShape(scale.ShapeSpan())}", "zero_point");
    }
}
