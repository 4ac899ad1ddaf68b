namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>
/// ONNX DequantizeLinear (opsets 10–21): y = (x − zero_point) · scale for uint8, int8 or int32 x into float32, per tensor
/// or per axis (13+). Float8/int4/int16 inputs and blocked quantization (block_size, opset 21) are refused.
/// </summary>
internal sealed class DequantizeLinearKernel(long axis, bool perAxisAllowed) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(2);
        QuantizedOps.RefuseBlocked(c);
        return new DequantizeLinearKernel(c.Attributes.GetInt("axis", 1), c.Opset >= 13);
    }

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0), scale = context.Input(1);
        Tensor? zeroPoint = context.OptionalInput(2);
        if (x.ElementType is not (TensorElementType.UInt8 or TensorElementType.Int8 or TensorElementType.Int32))
            throw new ArgumentException($"DequantizeLinear supports uint8, int8 and int32 x, got {x}", "x");
        if (scale.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"DequantizeLinear supports float32 x_scale, got {scale}", "x_scale");
        if (zeroPoint is not null && zeroPoint.ElementType != x.ElementType)
            throw new ArgumentException($"DequantizeLinear: the zero point {zeroPoint} must have x's element type {x.ElementType.DisplayName()}", "x_zero_point");
        QuantizationAxis.CheckZeroPoint(zeroPoint, scale, "DequantizeLinear");
        QuantizationAxis layout = QuantizationAxis.For(x, scale, axis, perAxisAllowed, "DequantizeLinear");
        Tensor y = context.Output(0, TensorElementType.Float32, x.ShapeSpan());
        Span<float> ys = y.AsSpan<float>();
        ReadOnlySpan<float> scales = scale.AsSpan<float>();
        for (int o = 0, at = 0; o < layout.Outer; o++)
        {
            for (int ch = 0; ch < layout.Channels; ch++, at += layout.Inner)
            {
                float s = scales[ch];
                Span<float> dst = ys.Slice(at, layout.Inner);
                switch (x.ElementType)
                {
                    case TensorElementType.UInt8:
                        Dequantize(x.AsSpan<byte>().Slice(at, layout.Inner), dst, zeroPoint is null ? 0 : zeroPoint.AsSpan<byte>()[ch], s);
                        break;
                    case TensorElementType.Int8:
                        Dequantize(x.AsSpan<sbyte>().Slice(at, layout.Inner), dst, zeroPoint is null ? 0 : zeroPoint.AsSpan<sbyte>()[ch], s);
                        break;
                    default:
                        Dequantize(x.AsSpan<int>().Slice(at, layout.Inner), dst, zeroPoint is null ? 0 : zeroPoint.AsSpan<int>()[ch], s);
                        break;
                }
            }
        }
    }

    private static void Dequantize(ReadOnlySpan<byte> x, Span<float> y, int zeroPoint, float scale)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = (x[i] - zeroPoint) * scale;
    }

    private static void Dequantize(ReadOnlySpan<sbyte> x, Span<float> y, int zeroPoint, float scale)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = (x[i] - zeroPoint) * scale;
    }

    // int32 differences can exceed float's 24-bit mantissa; ONNX Runtime converts the int32 difference the same way.
    private static void Dequantize(ReadOnlySpan<int> x, Span<float> y, int zeroPoint, float scale)
    {
        for (int i = 0; i < x.Length; i++)
            y[i] = unchecked(x[i] - zeroPoint) * scale;
    }
}
