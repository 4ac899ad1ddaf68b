using Onnx;

namespace MlNetGraviton.Runtime.Quantization;

/// <summary>Recognises models that are already quantized, which the int8 engine runs as they are.</summary>
internal static class QuantizedModels
{
    private static readonly HashSet<string> QuantizedOps = new(StringComparer.Ordinal)
    {
        "DynamicQuantizeLinear", "MatMulInteger", "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeMatMul", "MatMulIntegerToFloat",
    };

    public static bool IsQuantized(ModelProto model) => model.Graph?.Node.Any(n => QuantizedOps.Contains(n.OpType)) == true;
}
