using MlNetGraviton.Kernels.Quantization;

namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>
/// ONNX QuantizeLinear (opsets 10–21): y = saturate(round_half_even(x / scale) + zero_point) for float32 x into uint8
/// or int8 (the zero point's type; uint8 without one, or output_dtype at opset 21), per tensor or per axis (13+).
/// Float8, int4/int16 outputs and blocked quantization (block_size, opset 21) are refused at load.
/// </summary>
internal sealed class QuantizeLinearKernel(long axis, bool perAxisAllowed, TensorElementType defaultOutput) : OpKernel
{
    public static OpKernel Create(OpLoadContext c)
    {
        c.RequireInputs(2);
        QuantizedOps.RefuseBlocked(c);
        TensorElementType output = TensorElementType.UInt8;
        long dtype = c.Attributes.GetInt("output_dtype", 0);
        if (dtype != 0)
        {
            output = dtype switch
            {
                2 => TensorElementType.UInt8,
                3 => TensorElementType.Int8,
                _ => throw c.Unsupported($"output_dtype {dtype} is not supported (the graviton engine quantizes to uint8 (2) or int8 (3) only)"),
            };
        }
        return new QuantizeLinearKernel(c.Attributes.GetInt("axis", 1), c.Opset >= 13, output);
    }

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0), scale = context.Input(1);
        Tensor? zeroPoint = context.OptionalInput(2);
        if (x.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"QuantizeLinear supports float32 x, got {x}", "x");
        if (scale.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"QuantizeLinear supports float32 y_scale, got {scale}", "y_scale");
        TensorElementType type = zeroPoint?.ElementType ?? defaultOutput;
        if (type is not (TensorElementType.UInt8 or TensorElementType.Int8))
            throw new ArgumentException($"QuantizeLinear quantizes to uint8 or int8; the zero point is {zeroPoint}", "y_zero_point");
        QuantizationAxis.CheckZeroPoint(zeroPoint, scale, "QuantizeLinear");
        QuantizationAxis layout = QuantizationAxis.For(x, scale, axis, perAxisAllowed, "QuantizeLinear");
        Tensor y = context.Output(0, type, x.ShapeSpan());
        ReadOnlySpan<float> xs = x.AsSpan<float>(), scales = scale.AsSpan<float>();
        for (int o = 0, at = 0; o < layout.Outer; o++)
        {
            for (int ch = 0; ch < layout.Channels; ch++, at += layout.Inner)
            {
                ReadOnlySpan<float> segment = xs.Slice(at, layout.Inner);
                float s = scales[ch];
                if (type == TensorElementType.UInt8)
                    DynamicQuantize.Quantize(segment, y.AsSpan<byte>().Slice(at, layout.Inner), s, zeroPoint is null ? (byte)0 : zeroPoint.AsSpan<byte>()[ch]);
                else
                    ToInt8(segment, y.AsSpan<sbyte>().Slice(at, layout.Inner), s, zeroPoint is null ? 0 : zeroPoint.AsSpan<sbyte>()[ch]);
            }
        }
    }

    // Same float steps as the uint8 path (divide, clamp to the integer bounds, round half to even), so results match ORT.
    private static void ToInt8(ReadOnlySpan<float> x, Span<sbyte> q, float scale, int zeroPoint)
    {
        float lo = -128 - zeroPoint, hi = 127 - zeroPoint;
        for (int i = 0; i < x.Length; i++)
        {
            float v = Math.Clamp(x[i] / scale, lo, hi);
            q[i] = (sbyte)((int)MathF.Round(v, MidpointRounding.ToEven) + zeroPoint);
        }
    }
}
