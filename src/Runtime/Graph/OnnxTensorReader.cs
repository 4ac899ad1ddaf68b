using Onnx;

namespace MlNetGraviton.Runtime.Graph;

/// <summary>
/// Turns TensorProtos (initializers, Constant values, attribute tensors) into <see cref="Tensor"/>s: typed fields,
/// raw_data, or ONNX external data. External data must sit inside the model's folder: an absolute location or one
/// that climbs out with '..' is refused, so a model file cannot make the engine read arbitrary files.
/// </summary>
internal sealed class OnnxTensorReader(string source, string? modelFolder)
{
    public Tensor Read(TensorProto proto, string what)
    {
        TensorElementType type = ElementTypeOf(proto.DataType, () => $"{source}: {what} has ONNX data type {DataTypeName(proto.DataType)}");
        long[] shape = proto.Dims.ToArray();
        long count;
        try
        {
            count = Tensor.ElementCountOf(shape);
        }
        catch (Exception e) when (e is ArgumentException or OverflowException)
        {
            throw new OnnxModelException($"{source}: {what} has an invalid shape {Tensor.FormatShape(shape)}", e);
        }
        if (count * type.SizeInBytes() > int.MaxValue)
            throw new OnnxModelException($"{source}: {what} of shape {Tensor.FormatShape(shape)} is over 2 GiB");

        Tensor tensor = Tensor.Zeros(type, shape);
        if (proto.DataLocation == TensorProto.Types.DataLocation.External)
        {
            ReadExternal(proto, tensor, what);
            return tensor;
        }
        if (!proto.RawData.IsEmpty)
        {
            if (proto.RawData.Length != tensor.SizeInBytes)
                throw new OnnxModelException(
                    $"{source}: {what} has {proto.RawData.Length} bytes of raw data; shape {Tensor.FormatShape(shape)} of {type.DisplayName()} needs {tensor.SizeInBytes}");
            proto.RawData.Span.CopyTo(tensor.AsBytes());
            return tensor;
        }
        FillTyped(proto, tensor, count, what);
        return tensor;
    }

    public static TensorElementType ElementTypeOf(int onnxType, Func<string> describe) => (TensorProto.Types.DataType)onnxType switch
    {
        TensorProto.Types.DataType.Float => TensorElementType.Float32,
        TensorProto.Types.DataType.Float16 => TensorElementType.Float16,
        TensorProto.Types.DataType.Int64 => TensorElementType.Int64,
        TensorProto.Types.DataType.Int32 => TensorElementType.Int32,
        TensorProto.Types.DataType.Int8 => TensorElementType.Int8,
        TensorProto.Types.DataType.Uint8 => TensorElementType.UInt8,
        TensorProto.Types.DataType.Bool => TensorElementType.Bool,
        _ => throw new UnsupportedElementTypeException(describe() + ", which the graviton engine does not support (float32, float16, int64, int32, int8, uint8, bool)"),
    };

    public static string DataTypeName(int onnxType) =>
        Enum.IsDefined((TensorProto.Types.DataType)onnxType) ? ((TensorProto.Types.DataType)onnxType).ToString().ToLowerInvariant() : onnxType.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void FillTyped(TensorProto proto, Tensor tensor, long count, string what)
    {
        int have = tensor.ElementType switch
        {
            TensorElementType.Float32 => proto.FloatData.Count,
            TensorElementType.Int64 => proto.Int64Data.Count,
            _ => proto.Int32Data.Count, // int32, int8, uint8, bool and float16 (as bits) all live in int32_data
        };
        if (have != count)
            throw new OnnxModelException(
                $"{source}: {what} holds {have} values; shape {Tensor.FormatShape(tensor.ShapeSpan())} needs {count}");
        switch (tensor.ElementType)
        {
            case TensorElementType.Float32:
                for (int i = 0; i < count; i++)
                    tensor.AsSpan<float>()[i] = proto.FloatData[i];
                break;
            case TensorElementType.Int64:
                for (int i = 0; i < count; i++)
                    tensor.AsSpan<long>()[i] = proto.Int64Data[i];
                break;
            case TensorElementType.Int32:
                for (int i = 0; i < count; i++)
                    tensor.AsSpan<int>()[i] = proto.Int32Data[i];
                break;
            case TensorElementType.Int8:
                for (int i = 0; i < count; i++)
                    tensor.AsSpan<sbyte>()[i] = (sbyte)proto.Int32Data[i];
                break;
            case TensorElementType.UInt8:
                for (int i = 0; i < count; i++)
                    tensor.AsSpan<byte>()[i] = (byte)proto.Int32Data[i];
                break;
            case TensorElementType.Bool:
                for (int i = 0; i < count; i++)
                    tensor.AsSpan<bool>()[i] = proto.Int32Data[i] != 0;
                break;
            case TensorElementType.Float16:
                for (int i = 0; i < count; i++)
                    tensor.AsSpan<Half>()[i] = BitConverter.UInt16BitsToHalf((ushort)proto.Int32Data[i]);
                break;
        }
    }

    private void ReadExternal(TensorProto proto, Tensor tensor, string what)
    {
        string? location = null;
        long offset = 0, length = -1;
        foreach (StringStringEntryProto entry in proto.ExternalData)
        {
            switch (entry.Key)
            {
                case "location":
                    location = entry.Value;
                    break;
                case "offset":
                    offset = ParseLength(entry.Value, "offset", what);
                    break;
                case "length":
                    length = ParseLength(entry.Value, "length", what);
                    break;
            }
        }
        if (string.IsNullOrEmpty(location))
            throw new OnnxModelException($"{source}: {what} is stored externally but names no location");
        string path = ResolveExternal(location, what);
        if (length >= 0 && length != tensor.SizeInBytes)
            throw new OnnxModelException($"{source}: {what} has external length {length}; its shape needs {tensor.SizeInBytes} bytes");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (offset + tensor.SizeInBytes > stream.Length)
                throw new OnnxModelException(
                    $"{source}: {what} needs bytes {offset}..{offset + tensor.SizeInBytes} of external file '{location}', which has {stream.Length}");
            stream.Position = offset;
            stream.ReadExactly(tensor.AsBytes());
        }
        catch (IOException e)
        {
            throw new OnnxModelException($"{source}: cannot read external data '{location}' of {what}: {e.Message}", e);
        }
    }

    /// <summary>The external file's full path, which must lie inside the model's folder.</summary>
    private string ResolveExternal(string location, string what)
    {
        if (modelFolder is null)
            throw new OnnxModelException(
                $"{source}: {what} is stored in external file '{location}', but the model was loaded from bytes; load it from its file");
        if (Path.IsPathRooted(location) || location.Contains(':'))
            throw new OnnxModelException($"{source}: {what} has external data location '{location}', an absolute path; locations must be relative to the model's folder");
        string[] parts = location.Split('/', '\\');
        if (parts.Any(p => p == ".."))
            throw new OnnxModelException($"{source}: {what} has external data location '{location}', which leaves the model's folder ('..')");
        string folder = Path.GetFullPath(modelFolder);
        string full = Path.GetFullPath(Path.Combine(folder, Path.Combine(parts)));
        string prefix = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        if (!full.StartsWith(prefix, StringComparison.Ordinal))
            throw new OnnxModelException($"{source}: {what} has external data location '{location}', which resolves outside the model's folder");
        // A symbolic link could still point out of the folder: follow it and check again.
        var info = new FileInfo(full);
        if (info.LinkTarget is not null)
        {
            FileSystemInfo? target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !Path.GetFullPath(target.FullName).StartsWith(prefix, StringComparison.Ordinal))
                throw new OnnxModelException($"{source}: {what} has external data location '{location}', a link that points outside the model's folder");
        }
        return full;
    }

    private long ParseLength(string text, string key, string what)
    {
        if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value))
            throw new OnnxModelException($"{source}: {what} has external data {key} '{text}', not a non-negative integer");
        return value;
    }
}
