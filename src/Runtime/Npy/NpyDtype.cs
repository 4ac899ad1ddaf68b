namespace MlNetGraviton.Runtime;

/// <summary>Maps NumPy dtype descriptors ('&lt;f4', '|b1'...) to tensor element types and back.</summary>
internal static class NpyDtype
{
    public const string Supported = "<f4 (float32), <f2 (float16), <i8 (int64), <i4 (int32), |i1 (int8), |u1 (uint8), |b1 (bool)";

    /// <summary>The descriptor NumPy writes for the type on a little-endian machine.</summary>
    public static string Descr(TensorElementType type) => type switch
    {
        TensorElementType.Float32 => "<f4",
        TensorElementType.Float16 => "<f2",
        TensorElementType.Int64 => "<i8",
        TensorElementType.Int32 => "<i4",
        TensorElementType.Int8 => "|i1",
        TensorElementType.UInt8 => "|u1",
        TensorElementType.Bool => "|b1",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no .npy descriptor for this element type"),
    };

    /// <summary>Parses a descriptor; a problem is returned as text so the caller can name the file.</summary>
    public static bool TryParse(string descr, out TensorElementType type, out string problem)
    {
        type = default;
        problem = "";
        if (descr.Length < 3)
        {
            problem = $"unsupported dtype '{descr}'; supported: {Supported}";
            return false;
        }
        char order = descr[0];
        string kindAndSize = descr[1..];
        TensorElementType? parsed = kindAndSize switch
        {
            "f4" => TensorElementType.Float32,
            "f2" => TensorElementType.Float16,
            "i8" => TensorElementType.Int64,
            "i4" => TensorElementType.Int32,
            "i1" => TensorElementType.Int8,
            "u1" => TensorElementType.UInt8,
            "b1" => TensorElementType.Bool,
            _ => null,
        };
        if (parsed is null || order is not ('<' or '>' or '|' or '='))
        {
            problem = $"unsupported dtype '{descr}'; supported: {Supported}";
            return false;
        }
        // Byte order only matters for multi-byte elements; '=' is native, and every supported CPU is little-endian.
        if (order == '>' && parsed.Value.SizeInBytes() > 1)
        {
            problem = $"big-endian dtype '{descr}' is not supported; save the array as little-endian ('<{kindAndSize}')";
            return false;
        }
        type = parsed.Value;
        return true;
    }
}
