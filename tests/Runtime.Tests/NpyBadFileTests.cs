namespace MlNetGraviton.Runtime.Tests;

/// <summary>Every way a .npy file can be unreadable gives an error that names the file and the problem.</summary>
public class NpyBadFileTests
{
    private const string Float23 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

    private static InvalidDataException ReadBad(byte[] bytes, out string path, TempFolder folder)
    {
        path = folder.File("bad.npy");
        File.WriteAllBytes(path, bytes);
        string p = path;
        return Assert.Throws<InvalidDataException>(() => NpyFile.Read(p));
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", "Fortran")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", "big-endian")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", "unsupported dtype '<f8'")]
    [InlineData("{'descr': '<U5', 'fortran_order': False, 'shape': (2, 3), }", "unsupported dtype '<U5'")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }", "unsupported dtype")]
    [InlineData("{'descr': '<f4', 'shape': (2, 3), }", "missing key 'fortran_order'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "missing key 'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1, }", "unexpected key 'x'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 'a'), }", "'shape' must be a tuple of integers")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }", "negative dimension")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }", "'fortran_order' must be True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3) ", "malformed header")]
    [InlineData("not a dict at all", "malformed header")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } trailing", "malformed header")]
    [InlineData("{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3), }", "malformed header")]
    public void Bad_headers_name_the_file_and_the_problem(string dict, string expected)
    {
        using var folder = new TempFolder();
        var e = ReadBad(NpyBytes.Build(dict, new byte[24]), out string path, folder);
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Bad_magic()
    {
        using var folder = new TempFolder();
        byte[] bytes = NpyBytes.Build(Float23, new byte[24]);
        bytes[1] = (byte)'X';
        var e = ReadBad(bytes, out string path, folder);
        Assert.Contains(path, e.Message);
        Assert.Contains("bad magic", e.Message);
    }

    [Fact]
    public void File_shorter_than_the_magic()
    {
        using var folder = new TempFolder();
        var e = ReadBad([0x93, (byte)'N'], out string path, folder);
        Assert.Contains(path, e.Message);
        Assert.Contains("bad magic", e.Message);
    }

    [Fact]
    public void Unknown_version()
    {
        using var folder = new TempFolder();
        byte[] bytes = NpyBytes.Build(Float23, new byte[24]);
        bytes[6] = 4;
        var e = ReadBad(bytes, out string path, folder);
        Assert.Contains(path, e.Message);
        Assert.Contains("version 4.0", e.Message);
    }

    [Fact]
    public void Truncated_data_says_how_many_bytes_are_missing()
    {
        using var folder = new TempFolder();
        var e = ReadBad(NpyBytes.Build(Float23, new byte[20]), out string path, folder);
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated data", e.Message);
        Assert.Contains("24 bytes", e.Message);
        Assert.Contains("20", e.Message);
    }

    [Fact]
    public void Truncated_header()
    {
        using var folder = new TempFolder();
        byte[] bytes = NpyBytes.Build(Float23, []);
        var e = ReadBad(bytes[..50], out string path, folder);
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated header", e.Message);
    }

    [Fact]
    public void Extra_bytes_after_the_data()
    {
        using var folder = new TempFolder();
        var e = ReadBad(NpyBytes.Build(Float23, new byte[28]), out string path, folder);
        Assert.Contains(path, e.Message);
        Assert.Contains("4 unexpected bytes", e.Message);
    }

    [Fact]
    public void Bool_bytes_other_than_0_and_1()
    {
        using var folder = new TempFolder();
        var e = ReadBad(NpyBytes.Build("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", [1, 0, 2]), out string path, folder);
        Assert.Contains(path, e.Message);
        Assert.Contains("bool element 2", e.Message);
    }

    [Fact]
    public void Missing_file_is_FileNotFound_with_the_path()
    {
        using var folder = new TempFolder();
        string path = folder.File("absent.npy");
        var e = Assert.Throws<FileNotFoundException>(() => NpyFile.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Header_declaring_a_huge_array_is_refused_before_allocating()
    {
        using var folder = new TempFolder();
        var e = ReadBad(NpyBytes.Build("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }", new byte[8]), out string path, folder);
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated data", e.Message);
    }
}
