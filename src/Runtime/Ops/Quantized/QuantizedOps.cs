namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>
/// The quantized ops of ONNX (DynamicQuantizeLinear, MatMulInteger, QuantizeLinear, DequantizeLinear) and of
/// ONNX Runtime's dynamic quantization (com.microsoft DynamicQuantizeMatMul, MatMulIntegerToFloat), on the QGEMM kernels.
/// </summary>
internal static class QuantizedOps
{
    public const string MicrosoftDomain = "com.microsoft";

    public static OpRegistry Register(OpRegistry registry) => registry
        .Onnx("DynamicQuantizeLinear", 11, _ => new DynamicQuantizeLinearKernel())
        .Onnx("MatMulInteger", 10, MatMulIntegerKernel.Create)
        .Onnx("QuantizeLinear", 10, QuantizeLinearKernel.Create)
        .Onnx("DequantizeLinear", 10, DequantizeLinearKernel.Create)
        .Add(MicrosoftDomain, "DynamicQuantizeMatMul", 1, 1, DynamicQuantizeMatMulKernel.Create)
        .Add(MicrosoftDomain, "MatMulIntegerToFloat", 1, 1, MatMulIntegerToFloatKernel.Create);

    /// <summary>Blocked quantization (opset 21's block_size) is refused at load, naming the node.</summary>
    internal static void RefuseBlocked(OpLoadContext c)
    {
        long block = c.Attributes.GetInt("block_size", 0);
        if (block != 0)
            throw c.Unsupported($"blocked quantization (block_size = {block}) is not supported by the graviton engine; only per-tensor and per-axis scales are");
    }
}
