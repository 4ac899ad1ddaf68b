using System.Runtime.InteropServices;
using Google.Protobuf;
using MlNetGraviton.Runtime.Conformance;
using Onnx;

namespace MlNetGraviton.Runtime.Tests.Conformance;

/// <summary>ONNX's installed node tests, and copies of a few of them (some deliberately broken) in a temp folder.</summary>
internal static class NodeTestData
{
    public static string Directory => ConformanceOptions.DefaultDataDirectory;

    public static bool Installed => System.IO.Directory.Exists(Directory);

    public static string MissingMessage =>
        $"ONNX's node tests are not in '{Directory}': install libonnx-testdata (scripts/test.sh does, as root) or set {ConformanceOptions.DataDirectoryVariable}";

    /// <summary>Copies the named installed test folders into <paramref name="folder"/>.</summary>
    public static void CopyTests(TempFolder folder, params string[] names)
    {
        foreach (string name in names)
            CopyDirectory(Path.Combine(Directory, name), folder.File(name));
    }

    /// <summary>Rewrites one expected output of a copied test through <paramref name="edit"/>.</summary>
    public static void EditExpected(string testFolder, int output, Action<TensorProto> edit)
    {
        string path = Path.Combine(testFolder, "test_data_set_0", $"output_{output}.pb");
        TensorProto proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
        edit(proto);
        File.WriteAllBytes(path, proto.ToByteArray());
    }

    /// <summary>The values of a float32 TensorProto, wherever it keeps them (raw_data or float_data).</summary>
    public static float[] Floats(TensorProto proto)
    {
        Assert.Equal((int)TensorProto.Types.DataType.Float, proto.DataType);
        return proto.RawData.IsEmpty ? proto.FloatData.ToArray() : MemoryMarshal.Cast<byte, float>(proto.RawData.Span).ToArray();
    }

    /// <summary>Adds <paramref name="delta"/> to element <paramref name="index"/> of a float32 TensorProto.</summary>
    public static void ShiftFloat(TensorProto proto, int index, float delta)
    {
        float[] values = Floats(proto);
        values[index] += delta;
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        proto.FloatData.Clear();
    }

    private static void CopyDirectory(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (string file in System.IO.Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string dir in System.IO.Directory.GetDirectories(from))
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
