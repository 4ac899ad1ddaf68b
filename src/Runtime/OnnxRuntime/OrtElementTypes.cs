using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace MlNetGraviton.Runtime;

/// <summary>Maps tensor element types to ONNX Runtime's and back.</summary>
internal static class OrtElementTypes
{
    public static OrtElementType ToOrt(TensorElementType type) => type switch
    {
        TensorElementType.Float32 => OrtElementType.Float,
        TensorElementType.Float16 => OrtElementType.Float16,
        TensorElementType.Int64 => OrtElementType.Int64,
        TensorElementType.Int32 => OrtElementType.Int32,
        TensorElementType.Int8 => OrtElementType.Int8,
        TensorElementType.UInt8 => OrtElementType.UInt8,
        TensorElementType.Bool => OrtElementType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown tensor element type"),
    };

    public static TensorElementType? FromOrt(OrtElementType type) => type switch
    {
        OrtElementType.Float => TensorElementType.Float32,
        OrtElementType.Float16 => TensorElementType.Float16,
        OrtElementType.Int64 => TensorElementType.Int64,
        OrtElementType.Int32 => TensorElementType.Int32,
        OrtElementType.Int8 => TensorElementType.Int8,
        OrtElementType.UInt8 => TensorElementType.UInt8,
        OrtElementType.Bool => TensorElementType.Bool,
        _ => null,
    };
}
