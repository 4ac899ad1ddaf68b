namespace MlNetGraviton.Runtime;

/// <summary>
/// NumPy .npy files: little-endian, C order, the dtypes of <see cref="TensorElementType"/>.
/// Writes version 1.0 (2.0 when the header needs it) byte for byte as numpy.save does; reads 1.0, 2.0 and 3.0.
/// </summary>
public static class NpyFile
{
    public static Tensor Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($".npy file not found: {path}", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads a tensor from <paramref name="stream"/>; <paramref name="name"/> names the source in errors.</summary>
    public static Tensor Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        (TensorElementType type, long[] shape) = NpyHeader.Read(stream, name);

        long count;
        try
        {
            count = Tensor.ElementCountOf(shape);
        }
        catch (OverflowException)
        {
            throw NpyFormatError.Create(name, $"malformed header: shape {Tensor.FormatShape(shape)} overflows 64 bits");
        }
        long expectedBytes = count * type.SizeInBytes();
        if (stream.CanSeek)
        {
            long available = stream.Length - stream.Position;
            if (available < expectedBytes)
                throw NpyFormatError.Create(name,
                    $"truncated data: {type.DisplayName()} {Tensor.FormatShape(shape)} needs {expectedBytes} bytes, the file has {available}");
            if (available > expectedBytes)
                throw NpyFormatError.Create(name,
                    $"{available - expectedBytes} unexpected bytes after the data of {type.DisplayName()} {Tensor.FormatShape(shape)} (header and data disagree)");
        }
        Tensor tensor;
        try
        {
            tensor = Tensor.Zeros(type, shape);
        }
        catch (ArgumentException e)
        {
            throw NpyFormatError.Create(name, e.Message);
        }
        try
        {
            stream.ReadExactly(tensor.AsBytes());
        }
        catch (EndOfStreamException)
        {
            throw NpyFormatError.Create(name, $"truncated data: {type.DisplayName()} {Tensor.FormatShape(shape)} needs {expectedBytes} bytes");
        }
        if (type == TensorElementType.Bool)
            CheckBooleans(tensor.AsBytes(), name);
        return tensor;
    }

    public static void Write(string path, Tensor tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensor);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        Write(stream, tensor);
    }

    public static void Write(Stream stream, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        stream.Write(NpyHeader.Format(tensor.ElementType, tensor.ShapeSpan()));
        stream.Write(tensor.AsBytes());
    }

    /// <summary>Bytes other than 0 and 1 would become .NET bools that compare unequal to true.</summary>
    private static void CheckBooleans(ReadOnlySpan<byte> bytes, string name)
    {
        int bad = bytes.IndexOfAnyExcept((byte)0, (byte)1);
        if (bad >= 0)
            throw NpyFormatError.Create(name, $"bool element {bad} has byte value {bytes[bad]}; .npy booleans are 0 or 1");
    }
}
