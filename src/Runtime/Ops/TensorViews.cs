namespace MlNetGraviton.Runtime.Ops;

/// <summary>Tensors over existing arrays: a pooled buffer as an output, or an input's buffer under a new shape (no copy).</summary>
internal static class TensorViews
{
    public static Tensor Wrap(TensorElementType type, Array data, ReadOnlySpan<long> shape)
    {
        long[] dims = shape.ToArray();
        return type switch
        {
            TensorElementType.Float32 => Tensor.Create((float[])data, dims),
            TensorElementType.Float16 => Tensor.Create((Half[])data, dims),
            TensorElementType.Int64 => Tensor.Create((long[])data, dims),
            TensorElementType.Int32 => Tensor.Create((int[])data, dims),
            TensorElementType.Int8 => Tensor.Create((sbyte[])data, dims),
            TensorElementType.UInt8 => Tensor.Create((byte[])data, dims),
            TensorElementType.Bool => Tensor.Create((bool[])data, dims),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type"),
        };
    }

    /// <summary>The same elements under another shape with the same element count.</summary>
    public static Tensor Reshape(Tensor tensor, ReadOnlySpan<long> shape) => Wrap(tensor.ElementType, tensor.Data, shape);
}
