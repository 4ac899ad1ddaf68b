using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetGraviton.Runtime;

/// <summary>
/// A dense C-order tensor: an element type, a shape and a typed array (float[], Half[], long[], int[], sbyte[], byte[], bool[])
/// whose length is the product of the shape. The array is shared, not copied, so runs can pin it directly.
/// </summary>
public sealed class Tensor
{
    private readonly long[] _shape;

    private Tensor(TensorElementType elementType, Array data, long[] shape)
    {
        ElementType = elementType;
        Data = data;
        _shape = shape;
    }

    public TensorElementType ElementType { get; }

    /// <summary>The backing array, of the CLR type that matches <see cref="ElementType"/>.</summary>
    public Array Data { get; }

    /// <summary>A copy of the shape (empty for a scalar).</summary>
    public long[] Shape => (long[])_shape.Clone();

    public int Rank => _shape.Length;

    public long Dimension(int axis) => _shape[axis];

    public int ElementCount => Data.Length;

    public long SizeInBytes => (long)Data.Length * ElementType.SizeInBytes();

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of <paramref name="shape"/>.</summary>
    public static Tensor Create<T>(T[] data, params long[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        TensorElementType type = TensorElementTypes.Of<T>();
        long count = ElementCountOf(shape);
        if (count != data.Length)
            throw new ArgumentException(
                $"shape {FormatShape(shape)} holds {count} elements but the {type.DisplayName()} data has {data.Length}", nameof(data));
        CheckByteSize(type, count, shape);
        return new Tensor(type, data, (long[])shape.Clone());
    }

    /// <summary>A zero-filled tensor of the given element type and shape.</summary>
    public static Tensor Zeros(TensorElementType elementType, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = ElementCountOf(shape);
        CheckByteSize(elementType, count, shape);
        Array data = Array.CreateInstanceFromArrayType(elementType.ClrType().MakeArrayType(), (int)count);
        return new Tensor(elementType, data, (long[])shape.Clone());
    }

    /// <summary>The elements as a span; <typeparamref name="T"/> must match <see cref="ElementType"/>.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (Data is not T[] typed)
            throw new InvalidOperationException(
                $"the tensor holds {ElementType.DisplayName()} elements ({Data.GetType().GetElementType()!.Name}), not {typeof(T).Name}");
        return typed;
    }

    /// <summary>The raw little-endian bytes of the elements (the process is little-endian on every supported CPU).</summary>
    internal Span<byte> AsBytes() =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(Data), checked((int)SizeInBytes));

    /// <summary>Pins the backing array for native code; dispose the handle after the native call.</summary>
    internal GCHandle Pin() => GCHandle.Alloc(Data, GCHandleType.Pinned);

    /// <summary>Byte views and native runs address a tensor with 32-bit lengths, so one tensor stays under 2 GiB.</summary>
    private static void CheckByteSize(TensorElementType type, long count, ReadOnlySpan<long> shape)
    {
        if (count * type.SizeInBytes() > int.MaxValue)
            throw new ArgumentException(
                $"{type.DisplayName()} shape {FormatShape(shape)} needs {count * type.SizeInBytes()} bytes; one tensor is limited to 2 GiB", nameof(shape));
    }

    /// <summary>Product of the dimensions; every dimension must be zero or more.</summary>
    public static long ElementCountOf(ReadOnlySpan<long> shape)
    {
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
                throw new ArgumentException($"shape {FormatShape(shape)} has a negative dimension at axis {i}", nameof(shape));
            count = checked(count * shape[i]);
        }
        return count;
    }

    /// <summary>Formats a shape as [2, 3] ([] for a scalar).</summary>
    public static string FormatShape(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
            parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }

    public override string ToString() => $"{ElementType.DisplayName()} {FormatShape(_shape)}";

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<long> ShapeSpan() => _shape;
}
