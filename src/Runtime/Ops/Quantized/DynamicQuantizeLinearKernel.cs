using MlNetGraviton.Kernels.Quantization;

namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>ONNX DynamicQuantizeLinear (opset 11): float32 x → uint8 y, scalar scale and zero point, bit-exact with ONNX Runtime.</summary>
internal sealed class DynamicQuantizeLinearKernel : OpKernel
{
    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        if (x.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"DynamicQuantizeLinear takes float32 x, got {x}", "x");
        Tensor y = context.Output(0, TensorElementType.UInt8, x.ShapeSpan());
        DynamicQuantize.ToUInt8(x.AsSpan<float>(), y.AsSpan<byte>(), out float scale, out byte zeroPoint);
        context.Output(1, TensorElementType.Float32, []).AsSpan<float>()[0] = scale;
        context.Output(2, TensorElementType.UInt8, []).AsSpan<byte>()[0] = zeroPoint;
    }
}
