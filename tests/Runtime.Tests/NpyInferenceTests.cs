namespace MlNetGraviton.Runtime.Tests;

public class NpyInferenceTests(GraphFixture fixture) : IClassFixture<GraphFixture>
{
    private static readonly InferenceOptions OrtFp32 = new() { Engine = InferenceEngine.OnnxRuntime };

    private static void WriteInputs(string dir, Dictionary<string, Tensor> inputs)
    {
        foreach ((string name, Tensor tensor) in inputs)
            NpyFile.Write(Path.Combine(dir, name + ".npy"), tensor);
    }

    [Fact]
    public void Reads_inputs_runs_and_writes_every_output()
    {
        using var folder = new TempFolder();
        string inputDir = Directory.CreateDirectory(folder.File("in")).FullName;
        string outputDir = folder.File("out/nested"); // created by the run
        Dictionary<string, Tensor> inputs = TestGraph.Inputs(3, 5, seed: 42);
        WriteInputs(inputDir, inputs);
        File.WriteAllText(Path.Combine(inputDir, "unrelated.npy"), "ignored: not a graph input");
        var log = new StringWriter();

        IReadOnlyList<string> written = NpyInference.Run(fixture.ModelPath, inputDir, outputDir, OrtFp32, log);

        Assert.Equal(
            new[] { "y.npy", "head_logits_0.npy", "ids_doubled.npy", "not_flags.npy" },
            written.Select(Path.GetFileName));
        float[] expected = fixture.Graph.Reference(inputs["x"].AsSpan<float>().ToArray());
        Tensor y = NpyFile.Read(Path.Combine(outputDir, "y.npy"));
        Assert.Equal(new long[] { 3, 4 }, y.Shape);
        Approx.Equal(expected, y.AsSpan<float>());
        Approx.Equal(expected.Select(v => Math.Max(v, 0f)).ToArray(), NpyFile.Read(Path.Combine(outputDir, "head_logits_0.npy")).AsSpan<float>());
        Assert.Equal(
            inputs["ids"].AsSpan<long>().ToArray().Select(v => 2 * v),
            NpyFile.Read(Path.Combine(outputDir, "ids_doubled.npy")).AsSpan<long>().ToArray());
        Assert.Equal(
            inputs["flags"].AsSpan<bool>().ToArray().Select(f => !f),
            NpyFile.Read(Path.Combine(outputDir, "not_flags.npy")).AsSpan<bool>().ToArray());
        Assert.Contains("onnxruntime", log.ToString());
        Assert.Contains("output head/logits:0: float32 [3, 4]", log.ToString());
    }

    [Fact]
    public void Missing_input_file_names_the_input_and_the_expected_path()
    {
        using var folder = new TempFolder();
        Dictionary<string, Tensor> inputs = TestGraph.Inputs(2, 2, seed: 1);
        inputs.Remove("flags");
        WriteInputs(folder.Path, inputs);

        var e = Assert.Throws<FileNotFoundException>(() => NpyInference.Run(fixture.ModelPath, folder.Path, folder.File("out"), OrtFp32));
        Assert.Contains("graph input 'flags'", e.Message);
        Assert.Contains(folder.File("flags.npy"), e.Message);
    }

    [Fact]
    public void Input_file_of_the_wrong_dtype_names_the_file_and_the_input()
    {
        using var folder = new TempFolder();
        Dictionary<string, Tensor> inputs = TestGraph.Inputs(2, 2, seed: 1);
        inputs["ids"] = Tensor.Create(new int[4], 2, 2);
        WriteInputs(folder.Path, inputs);

        var e = Assert.Throws<InvalidDataException>(() => NpyInference.Run(fixture.ModelPath, folder.Path, folder.File("out"), OrtFp32));
        Assert.Contains(folder.File("ids.npy"), e.Message);
        Assert.Contains("input 'ids' is int32", e.Message);
    }

    [Fact]
    public void Corrupt_input_file_names_the_file()
    {
        using var folder = new TempFolder();
        WriteInputs(folder.Path, TestGraph.Inputs(2, 2, seed: 1));
        File.WriteAllBytes(folder.File("x.npy"), [1, 2, 3]);

        var e = Assert.Throws<InvalidDataException>(() => NpyInference.Run(fixture.ModelPath, folder.Path, folder.File("out"), OrtFp32));
        Assert.Contains(folder.File("x.npy"), e.Message);
    }

    [Fact]
    public void A_refused_precision_fails_before_any_file_is_written()
    {
        using var folder = new TempFolder();
        WriteInputs(folder.Path, TestGraph.Inputs(1, 1, seed: 1));
        string outputDir = folder.File("out");
        // ONNX Runtime as the engine runs quantized graphs but does not quantize an fp32 one at load: refused.
        Assert.Throws<NotSupportedException>(() =>
            NpyInference.Run(fixture.ModelPath, folder.Path, outputDir, new InferenceOptions { Engine = InferenceEngine.OnnxRuntime, Precision = Precision.Int8 }));
        Assert.False(Directory.Exists(outputDir));
    }

    [Theory]
    [InlineData("y", "y.npy")]
    [InlineData("head/logits:0", "head_logits_0.npy")]
    [InlineData(@"a\b", "a_b.npy")]
    public void File_names_replace_separators_and_colons(string tensorName, string fileName) =>
        Assert.Equal(fileName, NpyInference.FileNameFor(tensorName));
}
