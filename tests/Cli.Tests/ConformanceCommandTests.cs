using System.Text.RegularExpressions;
using Google.Protobuf;
using MlNetGraviton.Runtime.Conformance;
using Onnx;

namespace MlNetGraviton.Cli.Tests;

/// <summary>`conformance`: the per-op table, skip and failure lists, the last line scripts read, the exit code, --op and --data.</summary>
public sealed partial class ConformanceCommandTests
{
    private static string Installed => ConformanceOptions.DefaultDataDirectory;

    [GeneratedRegex(@"^conformance: (\d+) passed, (\d+) failed, (\d+) skipped$")]
    private static partial Regex SummaryLine();

    private static string LastLine(string stdout) => stdout.TrimEnd().Split('\n')[^1].TrimEnd('\r');

    [Fact]
    public void Op_filter_runs_that_ops_tests_and_ends_with_the_summary_line()
    {
        Assert.True(Directory.Exists(Installed), $"install libonnx-testdata: {Installed} is missing");
        (int code, string stdout, string stderr) = CliRunner.Run("conformance", "--op", "Softmax");
        Assert.True(code == 0, stdout + stderr);
        Match m = SummaryLine().Match(LastLine(stdout));
        Assert.True(m.Success, LastLine(stdout));
        Assert.True(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 10, stdout); // plain and expanded tests
        Assert.Equal("0", m.Groups[2].Value);
        string[] table = stdout.Split('\n').Where(l => l.Length > 0 && char.IsUpper(l[0])).ToArray();
        Assert.Equal("Softmax", Assert.Single(table).Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
    }

    [Fact]
    public void A_corrupted_expected_output_is_listed_and_exits_1()
    {
        Assert.True(Directory.Exists(Installed), $"install libonnx-testdata: {Installed} is missing");
        using var dir = new TempDir();
        foreach (string name in new[] { "test_add", "test_conv_with_strides_padding", "test_relu" })
            Copy(Path.Combine(Installed, name), dir[name]);
        string expected = Path.Combine(dir["test_add"], "test_data_set_0", "output_0.pb");
        TensorProto proto = TensorProto.Parser.ParseFrom(File.ReadAllBytes(expected));
        float[] values = proto.RawData.IsEmpty ? proto.FloatData.ToArray() : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(proto.RawData.Span).ToArray();
        values[0] += 1f;
        proto.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        proto.FloatData.Clear();
        File.WriteAllBytes(expected, proto.ToByteArray());

        (int code, string stdout, _) = CliRunner.Run("conformance", "--data", dir.Path, "--verbose");
        Assert.Equal(1, code);
        Assert.Equal("conformance: 1 passed, 1 failed, 1 skipped", LastLine(stdout));
        Assert.Contains("failed (1):", stdout, StringComparison.Ordinal);
        Assert.Matches(@"  test_add: test_data_set_0: output 'sum' \[3, 4, 5\]: element 0 is ", stdout);
        Assert.Contains("unsupported op: Conv (ai.onnx opset ", stdout, StringComparison.Ordinal);
        Assert.Contains("FAIL    test_add", stdout, StringComparison.Ordinal);
        Assert.Contains("pass    test_relu", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_op_with_no_tests_and_a_missing_folder_are_clear_errors()
    {
        (int code, _, string stderr) = CliRunner.Run("conformance", "--op", "NoSuchOp", "--data", Installed);
        Assert.Equal(2, code);
        Assert.Contains("no ONNX node test is about op 'NoSuchOp'", stderr, StringComparison.Ordinal);

        using var dir = new TempDir();
        (code, _, stderr) = CliRunner.Run("conformance", "--data", dir["absent"]);
        Assert.Equal(1, code);
        Assert.Contains("libonnx-testdata", stderr, StringComparison.Ordinal);
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string sub in Directory.GetDirectories(from))
            Copy(sub, Path.Combine(to, Path.GetFileName(sub)));
    }
}
