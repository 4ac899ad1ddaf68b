namespace MlNetGraviton.Runtime.Tests;

public class NpyRoundTripTests
{
    public static TheoryData<TensorElementType, long[]> Cases()
    {
        var data = new TheoryData<TensorElementType, long[]>();
        long[][] shapes = [[], [0, 3], [5], [2, 3, 4], [1, 1, 1, 7]];
        foreach (TensorElementType type in Enum.GetValues<TensorElementType>())
            foreach (long[] shape in shapes)
                data.Add(type, shape);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_then_read_gives_back_type_shape_and_values(TensorElementType type, long[] shape)
    {
        using var folder = new TempFolder();
        Tensor original = RandomTensors.Make(type, shape, seed: shape.Length * 31 + (int)type);
        string path = folder.File("t.npy");

        NpyFile.Write(path, original);
        Tensor back = NpyFile.Read(path);

        Assert.Equal(type, back.ElementType);
        Assert.Equal(shape, back.Shape);
        Assert.Equal(RandomTensors.Bytes(original), RandomTensors.Bytes(back));
        long fileLength = new FileInfo(path).Length;
        Assert.Equal(0, (fileLength - original.SizeInBytes) % 64); // data starts on a 64-byte boundary
    }

    [Fact]
    public void Data_bytes_are_little_endian_c_order_after_the_header()
    {
        using var folder = new TempFolder();
        var values = new float[] { 1.5f, -2f, 3.25f, float.NaN, 1e-40f, float.MaxValue };
        string path = folder.File("f.npy");
        NpyFile.Write(path, Tensor.Create(values, 2, 3));

        byte[] file = File.ReadAllBytes(path);
        Assert.Equal(128 + 24, file.Length);
        Assert.Equal(NpyBytes.Floats(values), file[128..]);
    }

    [Fact]
    public void Reads_version_2_and_3_headers()
    {
        using var folder = new TempFolder();
        byte[] data = NpyBytes.Floats(1, 2, 3, 4);
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
        foreach (byte major in new byte[] { 2, 3 })
        {
            string path = folder.File($"v{major}.npy");
            File.WriteAllBytes(path, NpyBytes.Build(dict, data, major, utf8: major == 3));
            Tensor t = NpyFile.Read(path);
            Assert.Equal(new long[] { 2, 2 }, t.Shape);
            Assert.Equal(new float[] { 1, 2, 3, 4 }, t.AsSpan<float>().ToArray());
        }
    }

    [Fact]
    public void Reads_headers_in_other_spellings_numpy_accepts()
    {
        using var folder = new TempFolder();
        string path = folder.File("k.npy");
        // Keys in another order, double quotes, no trailing comma, a Python 2 long, no padding.
        string dict = "{\"shape\": (2L, 1), 'fortran_order': False, 'descr': '<i4'}";
        File.WriteAllBytes(path, NpyBytes.Build(dict, BitConverter.GetBytes(5).Concat(BitConverter.GetBytes(-6)).ToArray(), pad: false));
        Tensor t = NpyFile.Read(path);
        Assert.Equal(new long[] { 2, 1 }, t.Shape);
        Assert.Equal(new[] { 5, -6 }, t.AsSpan<int>().ToArray());
    }

    [Fact]
    public void Reads_big_endian_marked_single_byte_types()
    {
        using var folder = new TempFolder();
        string path = folder.File("u8.npy");
        File.WriteAllBytes(path, NpyBytes.Build("{'descr': '>u1', 'fortran_order': False, 'shape': (3,), }", [1, 200, 3]));
        Assert.Equal(new byte[] { 1, 200, 3 }, NpyFile.Read(path).AsSpan<byte>().ToArray());
    }
}
