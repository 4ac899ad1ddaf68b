using System.Globalization;
using System.Text;

namespace MlNetGraviton.Runtime;

/// <summary>
/// The .npy header: magic, version, length and the Python dict literal
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>, padded as NumPy pads it.
/// </summary>
internal static class NpyHeader
{
    public static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>NumPy aligns the data to 64 bytes so files can be memory-mapped.</summary>
    public const int Alignment = 64;

    /// <summary>NumPy leaves room for the growth axis to reach 21 digits, so appending rows can rewrite the header in place.</summary>
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>The complete header bytes (magic to the final '\n') exactly as numpy.save writes them.</summary>
    public static byte[] Format(TensorElementType type, ReadOnlySpan<long> shape)
    {
        string shapeText = PythonTuple(shape);
        var dict = new StringBuilder();
        dict.Append("{'descr': '").Append(NpyDtype.Descr(type)).Append("', 'fortran_order': False, 'shape': ")
            .Append(shapeText).Append(", }");
        if (shape.Length > 0)
            dict.Append(' ', GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length);

        // Version 1.0 has a 2-byte length field; larger headers need 2.0 (4 bytes), as NumPy does.
        foreach (byte major in new byte[] { 1, 2 })
        {
            int prefix = Magic.Length + 2 + (major == 1 ? 2 : 4);
            int textLength = dict.Length + 1; // with the final '\n'
            int pad = Alignment - (prefix + textLength) % Alignment; // NumPy pads 1..64 spaces, never 0
            int headerLength = textLength + pad;
            if (major == 1 && headerLength > ushort.MaxValue)
                continue;
            var bytes = new byte[prefix + headerLength];
            Magic.CopyTo(bytes);
            bytes[6] = major;
            bytes[7] = 0;
            if (major == 1)
                BitConverter.TryWriteBytes(bytes.AsSpan(8, 2), (ushort)headerLength);
            else
                BitConverter.TryWriteBytes(bytes.AsSpan(8, 4), (uint)headerLength);
            Encoding.Latin1.GetBytes(dict.ToString(), bytes.AsSpan(prefix));
            bytes.AsSpan(prefix + dict.Length, pad).Fill((byte)' ');
            bytes[^1] = (byte)'\n';
            return bytes;
        }
        throw new InvalidOperationException("unreachable: a 2.0 header always fits");
    }

    /// <summary>Python's repr of a tuple of ints: (), (3,), (2, 3).</summary>
    private static string PythonTuple(ReadOnlySpan<long> shape)
    {
        if (shape.Length == 1)
            return "(" + shape[0].ToString(CultureInfo.InvariantCulture) + ",)";
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        return "(" + string.Join(", ", parts) + ")";
    }

    /// <summary>Reads magic, version and header dict from the start of <paramref name="stream"/>; leaves it at the data.</summary>
    public static (TensorElementType Type, long[] Shape) Read(Stream stream, string path)
    {
        Span<byte> prefix = stackalloc byte[12];
        if (!TryReadExactly(stream, prefix[..8]) || !prefix[..6].SequenceEqual(Magic))
            throw NpyFormatError.Create(path, "not a .npy file (bad magic; expected \\x93NUMPY)");
        byte major = prefix[6], minor = prefix[7];
        if (major is not (1 or 2 or 3) || minor != 0)
            throw NpyFormatError.Create(path, $"unsupported .npy version {major}.{minor} (1.0, 2.0 and 3.0 are supported)");

        int lengthSize = major == 1 ? 2 : 4;
        if (!TryReadExactly(stream, prefix.Slice(8, lengthSize)))
            throw NpyFormatError.Create(path, "truncated header (the header length field is cut off)");
        long headerLength = major == 1
            ? BitConverter.ToUInt16(prefix.Slice(8, 2))
            : BitConverter.ToUInt32(prefix.Slice(8, 4));
        if (stream.CanSeek && stream.Length - stream.Position < headerLength)
            throw NpyFormatError.Create(path,
                $"truncated header (it declares {headerLength} bytes, the file has {stream.Length - stream.Position} left)");
        if (headerLength > 1 << 24)
            throw NpyFormatError.Create(path, $"malformed header: declared length {headerLength} bytes is implausibly large");

        var headerBytes = new byte[headerLength];
        if (!TryReadExactly(stream, headerBytes))
            throw NpyFormatError.Create(path, $"truncated header (it declares {headerLength} bytes)");
        string text = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        return ParseDict(text, path);
    }

    private static (TensorElementType, long[]) ParseDict(string text, string path)
    {
        Dictionary<string, object> dict;
        try
        {
            dict = new PythonLiteralReader(text).ReadHeaderDict();
        }
        catch (FormatException e)
        {
            throw NpyFormatError.Create(path, $"malformed header: {e.Message} in {Quote(text)}");
        }

        foreach (string key in new[] { "descr", "fortran_order", "shape" })
            if (!dict.ContainsKey(key))
                throw NpyFormatError.Create(path, $"malformed header: missing key '{key}' in {Quote(text)}");
        string? extra = dict.Keys.FirstOrDefault(k => k is not ("descr" or "fortran_order" or "shape"));
        if (extra is not null)
            throw NpyFormatError.Create(path, $"malformed header: unexpected key '{extra}' in {Quote(text)}");

        if (dict["descr"] is not string descr)
            throw NpyFormatError.Create(path, $"unsupported dtype {Quote(text)}: structured or non-string descr; supported: {NpyDtype.Supported}");
        if (!NpyDtype.TryParse(descr, out TensorElementType type, out string problem))
            throw NpyFormatError.Create(path, problem);
        if (dict["fortran_order"] is not bool fortran)
            throw NpyFormatError.Create(path, $"malformed header: 'fortran_order' must be True or False in {Quote(text)}");
        if (fortran)
            throw NpyFormatError.Create(path, "Fortran-order (column-major) arrays are not supported; save a C-order array (numpy.ascontiguousarray)");
        if (dict["shape"] is not List<object> items || items.Any(d => d is not long))
            throw NpyFormatError.Create(path, $"malformed header: 'shape' must be a tuple of integers in {Quote(text)}");
        long[] shape = items.Cast<long>().ToArray();
        if (shape.Any(d => d < 0))
            throw NpyFormatError.Create(path, $"malformed header: negative dimension in shape {Tensor.FormatShape(shape)}");
        return (type, shape);
    }

    private static string Quote(string text) => "\"" + text.TrimEnd() + "\"";

    private static bool TryReadExactly(Stream stream, Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }
}
