namespace MlNetGraviton.Runtime;

/// <summary>Size, CLR type and display name of each <see cref="TensorElementType"/>.</summary>
public static class TensorElementTypes
{
    public static int SizeInBytes(this TensorElementType type) => type switch
    {
        TensorElementType.Float32 => 4,
        TensorElementType.Float16 => 2,
        TensorElementType.Int64 => 8,
        TensorElementType.Int32 => 4,
        TensorElementType.Int8 => 1,
        TensorElementType.UInt8 => 1,
        TensorElementType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown tensor element type"),
    };

    public static Type ClrType(this TensorElementType type) => type switch
    {
        TensorElementType.Float32 => typeof(float),
        TensorElementType.Float16 => typeof(Half),
        TensorElementType.Int64 => typeof(long),
        TensorElementType.Int32 => typeof(int),
        TensorElementType.Int8 => typeof(sbyte),
        TensorElementType.UInt8 => typeof(byte),
        TensorElementType.Bool => typeof(bool),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown tensor element type"),
    };

    /// <summary>The NumPy-style lower-case name (float32, int64, bool...), used in messages and the CLI.</summary>
    public static string DisplayName(this TensorElementType type) => type switch
    {
        TensorElementType.Float32 => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int8 => "int8",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Bool => "bool",
        _ => type.ToString(),
    };

    /// <summary>The element type stored as <typeparamref name="T"/>; throws for CLR types a tensor cannot hold.</summary>
    public static TensorElementType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return TensorElementType.Float32;
        if (typeof(T) == typeof(Half)) return TensorElementType.Float16;
        if (typeof(T) == typeof(long)) return TensorElementType.Int64;
        if (typeof(T) == typeof(int)) return TensorElementType.Int32;
        if (typeof(T) == typeof(sbyte)) return TensorElementType.Int8;
        if (typeof(T) == typeof(byte)) return TensorElementType.UInt8;
        if (typeof(T) == typeof(bool)) return TensorElementType.Bool;
        throw new NotSupportedException(
            $"a tensor cannot hold elements of type {typeof(T).Name}; supported: float, Half, long, int, sbyte, byte, bool");
    }
}
