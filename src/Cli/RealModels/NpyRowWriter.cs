using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MlNetGraviton.Cli.RealModels;

/// <summary>
/// Writes a float32 [rows, columns] .npy one row at a time: the header goes first with room for any row count
/// (NumPy's own growth-axis padding), rows are appended, and <see cref="Complete"/> rewrites the header with the count.
/// </summary>
public sealed class NpyRowWriter : IDisposable
{
    private const int GrowthAxisMaxDigits = 21;
    private readonly FileStream _file;
    private readonly int _headerLength;
    private bool _completed;

    public NpyRowWriter(string path, int columns)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("the .npy writer emits '<f4' from memory and needs a little-endian CPU");
        Columns = columns;
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
            Directory.CreateDirectory(folder);
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        byte[] header = Header(0, columns);
        _headerLength = header.Length;
        _file.Write(header);
    }

    public int Columns { get; }

    public long Rows { get; private set; }

    public void WriteRow(ReadOnlySpan<float> row)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (row.Length != Columns)
            throw new ArgumentException($"row {Rows} has {row.Length} values; the file has {Columns} columns", nameof(row));
        _file.Write(MemoryMarshal.AsBytes(row));
        Rows++;
    }

    /// <summary>Patches the row count into the header and closes the file.</summary>
    public void Complete()
    {
        if (_completed)
            return;
        byte[] header = Header(Rows, Columns);
        if (header.Length != _headerLength)
            throw new InvalidOperationException("unreachable: the header was written with room for any row count");
        _file.Flush();
        _file.Position = 0;
        _file.Write(header);
        _file.Dispose();
        _completed = true;
    }

    public void Dispose()
    {
        _completed = true;
        _file.Dispose();
    }

    /// <summary>Version 1.0 header bytes as numpy.save writes them for a float32 (rows, columns) array.</summary>
    internal static byte[] Header(long rows, int columns)
    {
        string rowsText = rows.ToString(CultureInfo.InvariantCulture);
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rowsText}, {columns.ToString(CultureInfo.InvariantCulture)}), }}"
                      + new string(' ', GrowthAxisMaxDigits - rowsText.Length);
        const int prefix = 10; // magic (6), version (2), header length (2)
        int textLength = dict.Length + 1;
        int pad = 64 - (prefix + textLength) % 64; // NumPy pads 1..64 spaces so the data starts 64-aligned
        int headerLength = textLength + pad;
        var bytes = new byte[prefix + headerLength];
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];
        magic.CopyTo(bytes);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 2), (ushort)headerLength);
        Encoding.ASCII.GetBytes(dict, bytes.AsSpan(prefix));
        bytes.AsSpan(prefix + dict.Length, pad).Fill((byte)' ');
        bytes[^1] = (byte)'\n';
        return bytes;
    }
}
