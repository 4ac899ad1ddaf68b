namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>
/// The quantized ops of ONNX (DynamicQuantizeLinear, MatMulInteger, QuantizeLinear, DequantizeLinear) and of
/// ONNX Runtime's dynamic quantization (com.microsoft DynamicQuantizeMatMul, MatMulIntegerToFloat), on the QGEMM kernels.
/// </summary>
internal static class QuantizedOps
{
    public static OpRegistry Register(OpRegistry registry) => registry;
}
