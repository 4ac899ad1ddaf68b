using System.Text;

namespace MlNetGraviton.Runtime.Tests;

/// <summary>Headers compared byte for byte with what numpy.save writes (format 1.0, 64-byte alignment, growth-axis spare room).</summary>
public class NpyHeaderBytesTests
{
    // numpy.save(np.zeros((2, 3), np.float32)): a 118-byte header, 128 bytes with the prefix.
    [Theory]
    [InlineData(TensorElementType.Float32, new long[] { 2, 3 }, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }")]
    [InlineData(TensorElementType.Int64, new long[] { }, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }")]
    [InlineData(TensorElementType.Bool, new long[] { 3 }, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }")]
    [InlineData(TensorElementType.UInt8, new long[] { 0, 3 }, "{'descr': '|u1', 'fortran_order': False, 'shape': (0, 3), }")]
    [InlineData(TensorElementType.Int8, new long[] { 4, 1 }, "{'descr': '|i1', 'fortran_order': False, 'shape': (4, 1), }")]
    [InlineData(TensorElementType.Float16, new long[] { 1, 2 }, "{'descr': '<f2', 'fortran_order': False, 'shape': (1, 2), }")]
    [InlineData(TensorElementType.Int32, new long[] { 123456, 2 }, "{'descr': '<i4', 'fortran_order': False, 'shape': (123456, 2), }")]
    public void Small_headers_are_128_bytes_like_numpy(TensorElementType type, long[] shape, string dict)
    {
        byte[] header = WrittenHeader(type, shape);

        Assert.Equal(128, header.Length);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 }, header[..10]);
        string text = Encoding.Latin1.GetString(header, 10, 118);
        Assert.Equal(dict + new string(' ', 117 - dict.Length) + "\n", text);
    }

    [Fact]
    public void Growth_axis_room_can_push_the_header_to_the_next_64_bytes()
    {
        // 15 dimensions: the 98-character dict plus numpy's 20 spare spaces no longer fits 128 bytes, so numpy writes 192.
        long[] shape = Enumerable.Repeat(1L, 15).ToArray();
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + string.Join(", ", shape) + "), }";
        Assert.Equal(98, dict.Length);

        byte[] header = WrittenHeader(TensorElementType.Float32, shape);

        Assert.Equal(192, header.Length);
        Assert.Equal(182, BitConverter.ToUInt16(header, 8));
        Assert.Equal(dict + new string(' ', 181 - dict.Length) + "\n", Encoding.Latin1.GetString(header, 10, 182));
    }

    private static byte[] WrittenHeader(TensorElementType type, long[] shape)
    {
        using var folder = new TempFolder();
        string path = folder.File("h.npy");
        NpyFile.Write(path, Tensor.Zeros(type, shape));
        byte[] file = File.ReadAllBytes(path);
        Tensor t = Tensor.Zeros(type, shape);
        return file[..(int)(file.Length - t.SizeInBytes)];
    }
}
