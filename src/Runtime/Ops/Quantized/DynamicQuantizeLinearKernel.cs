using MlNetGraviton.Kernels.Quantization;

namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>ONNX DynamicQuantizeLinear (opset 11): float32 x → uint8 y, scalar scale and zero point, bit-exact with ONNX Runtime.</summary>
internal sealed class DynamicQuantizeLinearKernel : OpKernel
{
    /// <summary>
    /// Threads for the activation quantization in a model: one. Measured in bert-base-cased int8 at 128 tokens on
    /// 2 threads, alternating layer by layer in the same runs, a 128×768 activation took 17–41 µs on the calling thread
    /// against 55–108 µs split over the kernel pool, and the GEMM after it gained back at most part of that: the two
    /// hand-offs (min/max, then the quantization) cost more than the halved work saves between a model's other ops.
    /// </summary>
    internal const int QuantizeThreads = 1;

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        if (x.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"DynamicQuantizeLinear takes float32 x, got {x}", "x");
        Tensor y = context.Output(0, TensorElementType.UInt8, x.ShapeSpan());
        DynamicQuantize.ToUInt8(x.AsSpan<float>(), y.AsSpan<byte>(), out float scale, out byte zeroPoint, QuantizeThreads);
        context.Output(1, TensorElementType.Float32, []).AsSpan<float>()[0] = scale;
        context.Output(2, TensorElementType.UInt8, []).AsSpan<byte>()[0] = zeroPoint;
    }
}
