using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace MlNetGraviton.Runtime.Quantization;

/// <summary>Reads float32 initializers and writes the int8/float32 ones the quantizer adds.</summary>
internal static class FloatInitializer
{
    /// <summary>The values of an embedded float32 initializer (raw_data or float_data).</summary>
    public static float[] Read(TensorProto t)
    {
        long count = 1;
        foreach (long d in t.Dims)
            count = checked(count * d);
        if (!t.RawData.IsEmpty)
        {
            if (t.RawData.Length != count * sizeof(float))
                throw new InvalidDataException($"initializer '{t.Name}' has {t.RawData.Length} bytes of raw data; {count} float32 values need {count * sizeof(float)}");
            return MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
        }
        if (t.FloatData.Count != count)
            throw new InvalidDataException($"initializer '{t.Name}' has {t.FloatData.Count} float values; its shape needs {count}");
        return [.. t.FloatData];
    }

    public static TensorProto Int8(string name, sbyte[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int8, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        t.Dims.AddRange(dims);
        return t;
    }

    public static TensorProto Float(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        t.Dims.AddRange(dims);
        return t;
    }
}
