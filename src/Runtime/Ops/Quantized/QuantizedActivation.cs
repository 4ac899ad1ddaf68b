namespace MlNetGraviton.Runtime.Ops.Quantized;

/// <summary>
/// The A operand of a quantized product: uint8 or int8 values and A's logical shape. The array may be longer than the
/// shape (a pooled scratch buffer of a dynamically quantized float A), so it is not a <see cref="Tensor"/>.
/// </summary>
internal readonly struct QuantizedActivation
{
    private readonly byte[]? _unsigned;
    private readonly sbyte[]? _signed;

    private QuantizedActivation(byte[]? unsignedData, sbyte[]? signedData, long[] shape)
    {
        _unsigned = unsignedData;
        _signed = signedData;
        Shape = shape;
    }

    public long[] Shape { get; }

    public bool Signed => _signed is not null;

    public static QuantizedActivation Unsigned(byte[] data, long[] shape) => new(data, null, shape);

    /// <summary>An int8 or uint8 tensor as A; anything else is an error naming <paramref name="what"/>.</summary>
    public static QuantizedActivation Of(Tensor a, string what) => a.ElementType switch
    {
        TensorElementType.UInt8 => new((byte[])a.Data, null, a.Shape),
        TensorElementType.Int8 => new(null, (sbyte[])a.Data, a.Shape),
        _ => throw new ArgumentException($"{what} must be uint8 or int8, got {a}", what),
    };

    public ReadOnlySpan<byte> UnsignedSpan(int offset, int count) => new(_unsigned, offset, count);

    public ReadOnlySpan<sbyte> SignedSpan(int offset, int count) => new(_signed, offset, count);
}
