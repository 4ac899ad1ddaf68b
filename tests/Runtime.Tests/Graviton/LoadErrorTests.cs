using Google.Protobuf;
using MlNetGraviton.Models;
using MlNetGraviton.Runtime.Graph;
using Onnx;

namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>What the graviton engine refuses at load, and how clearly it says so.</summary>
public sealed class LoadErrorTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>, IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Unsupported_op_fails_at_load_naming_node_op_domain_and_opset()
    {
        string path = new OneNodeModel("Einsum", opset: 12).Input("a", OpCases.F(2, 3)).Input("b", OpCases.F(3, 2)).Attr("equation", 0L)
            .Output("y", TensorElementType.Float32).Save(_folder);
        var e = Assert.Throws<UnsupportedOperatorException>(() => new GravitonSession(path));
        Assert.Equal("node0", e.NodeName);
        Assert.Equal("Einsum", e.OpType);
        Assert.Equal(12, e.Opset);
        Assert.Contains("node 'node0': Einsum (domain 'ai.onnx', opset 12) is not supported", e.Message);
    }

    [Fact]
    public void Contrib_op_fails_at_load_naming_its_domain()
    {
        string path = new OneNodeModel("BiasSoftmax", domain: "com.microsoft").Input("x", OpCases.F(2, 4)).Input("bias", OpCases.F(2, 4))
            .Output("y", TensorElementType.Float32).Save(_folder);
        var e = Assert.Throws<UnsupportedOperatorException>(() => new GravitonSession(path));
        Assert.Equal("com.microsoft", e.Domain);
        Assert.Contains("BiasSoftmax (domain 'com.microsoft', opset 1)", e.Message);
    }

    [Fact]
    public void An_op_outside_its_supported_opsets_says_which_opsets_are()
    {
        // Slice before opset 10 took starts/ends as attributes; only the input form is implemented.
        string path = new OneNodeModel("Slice", opset: 9).Input("x", OpCases.F(4)).Attr("starts", [0L]).Attr("ends", [2L])
            .Output("y", TensorElementType.Float32).Save(_folder);
        var e = Assert.Throws<UnsupportedOperatorException>(() => new GravitonSession(path));
        Assert.Contains("opset 9", e.Message);
        Assert.Contains("opsets 10..", e.Message);
    }

    [Fact]
    public void Unsupported_attribute_value_fails_at_load()
    {
        string path = new OneNodeModel("Cast").Input("x", OpCases.F(4)).Attr("to", 11L /* double */).Output("y", TensorElementType.Float32).Save(_folder);
        var e = Assert.Throws<UnsupportedOperatorException>(() => new GravitonSession(path));
        Assert.Contains("to double is not supported", e.Message);
        Assert.Equal("node0", e.NodeName);
    }

    [Theory]
    [InlineData(GraphOptimization.Extended)]
    [InlineData(GraphOptimization.All)]
    public void Onnx_runtime_optimized_graph_runs_its_contrib_ops_and_matches(GraphOptimization level)
    {
        var (config, path) = models.Get(TransformerArchitecture.Bert, strong: false);
        string optimized = _folder.File($"bert-optimized-{level}.onnx");
        OrtReference.WriteOptimized(path, optimized, level);
        // ORT's fusions (FusedMatMul, BiasGelu, ...) are really there, and the graviton engine runs them.
        Assert.Contains(ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized)).Graph.Node, n => n.Domain == "com.microsoft");
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, batch: 2, sequence: 7, seed: 3);
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(optimized, inputs);
        using var session = new GravitonSession(optimized);
        IReadOnlyDictionary<string, Tensor> actual = session.Run(inputs);
        foreach (var (name, tensor) in expected)
            TensorAssert.Parity(tensor, actual[name], $"optimized ({level}) {name}");
    }

    [Fact]
    public void Truncated_file_names_the_file()
    {
        var (_, path) = models.Get(TransformerArchitecture.Bert, strong: false);
        byte[] bytes = File.ReadAllBytes(path);
        string truncated = _folder.File("truncated.onnx");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<OnnxModelException>(() => new GravitonSession(truncated));
        Assert.Contains("truncated.onnx", e.Message);
        Assert.Contains("not a valid ONNX model", e.Message);
    }

    [Fact]
    public void Not_a_model_names_the_file()
    {
        string path = _folder.File("notes.onnx");
        File.WriteAllText(path, "this is not protobuf");
        var e = Assert.ThrowsAny<OnnxModelException>(() => new GravitonSession(path));
        Assert.Contains("notes.onnx", e.Message);
    }

    [Fact]
    public void Missing_file_is_file_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => new GravitonSession(_folder.File("absent.onnx")));
    }

    [Fact]
    public void Node_input_that_nothing_produces_names_node_and_input()
    {
        ModelProto model = new OneNodeModel("Relu").Input("x", OpCases.F(3)).Output("y", TensorElementType.Float32).Build();
        model.Graph.Node[0].Input[0] = "ghost";
        var e = Assert.Throws<OnnxModelException>(() => Load(model, "ghost.onnx"));
        Assert.Contains("node 'node0' (Relu) reads 'ghost'", e.Message);
        Assert.Contains("ghost.onnx", e.Message);
    }

    [Fact]
    public void Cycle_is_refused_naming_a_node_on_it()
    {
        ModelProto model = new OneNodeModel("Add").Input("x", OpCases.F(3)).Output("y", TensorElementType.Float32).Build();
        GraphProto g = model.Graph;
        g.Node[0].Input.Add("z"); // Add(x, z) → y
        var second = new NodeProto { Name = "loop_back", OpType = "Relu" };
        second.Input.Add("y");
        second.Output.Add("z"); // Relu(y) → z closes the loop
        g.Node.Add(second);
        var e = Assert.Throws<OnnxModelException>(() => Load(model, "cycle.onnx"));
        Assert.Contains("cycle", e.Message);
        Assert.Contains("cycle.onnx", e.Message);
    }

    [Fact]
    public void A_value_written_twice_is_refused()
    {
        ModelProto model = new OneNodeModel("Relu").Input("x", OpCases.F(3)).Output("y", TensorElementType.Float32).Build();
        var again = new NodeProto { Name = "again", OpType = "Neg" };
        again.Input.Add("x");
        again.Output.Add("y");
        model.Graph.Node.Add(again);
        var e = Assert.Throws<OnnxModelException>(() => Load(model, "twice.onnx"));
        Assert.Contains("writes 'y', which is already defined", e.Message);
    }

    [Fact]
    public void Undeclared_domain_is_refused()
    {
        ModelProto model = new OneNodeModel("Relu").Input("x", OpCases.F(3)).Output("y", TensorElementType.Float32).Build();
        model.Graph.Node[0].Domain = "com.example";
        var e = Assert.Throws<OnnxModelException>(() => Load(model, "domain.onnx"));
        Assert.Contains("com.example", e.Message);
        Assert.Contains("opset_import", e.Message);
    }

    [Fact]
    public void External_data_inside_the_model_folder_loads()
    {
        Tensor w = OpCases.F(3, 4);
        Directory.CreateDirectory(_folder.File("weights"));
        byte[] raw = RandomTensors.Bytes(w);
        File.WriteAllBytes(_folder.File("weights/w.bin"), [.. new byte[16], .. raw]);
        ModelProto model = ExternalMatMul(w, "weights/w.bin", offset: 16, raw.Length);
        string path = Save(model, "external.onnx");
        using var session = new GravitonSession(path);
        var feeds = new Dictionary<string, Tensor> { ["a"] = OpCases.F(2, 3) };
        TensorAssert.Same(OrtReference.Run(path, feeds)["y"], session.Run(feeds)["y"], "external MatMul");
    }

    [Theory]
    [InlineData("../outside.bin", "leaves the model's folder")]
    [InlineData("weights/../../outside.bin", "leaves the model's folder")]
    [InlineData("/etc/passwd", "absolute path")]
    public void External_data_outside_the_model_folder_is_refused(string location, string expected)
    {
        ModelProto model = ExternalMatMul(OpCases.F(3, 4), location, offset: 0, 48);
        var e = Assert.Throws<OnnxModelException>(() => new GravitonSession(Save(model, "escape.onnx")));
        Assert.Contains(expected, e.Message);
        Assert.Contains("initializer 'w'", e.Message);
    }

    [Fact]
    public void External_data_from_bytes_is_refused()
    {
        ModelProto model = ExternalMatMul(OpCases.F(3, 4), "w.bin", offset: 0, 48);
        var e = Assert.Throws<OnnxModelException>(() => GravitonSession.FromBytes(model.ToByteArray()));
        Assert.Contains("loaded from bytes", e.Message);
    }

    [Fact]
    public void Raw_data_of_the_wrong_size_names_the_initializer()
    {
        ModelProto model = new OneNodeModel("MatMul").Input("a", OpCases.F(2, 3)).Constant("w", OpCases.F(3, 4)).Output("y", TensorElementType.Float32).Build();
        model.Graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[10]);
        var e = Assert.Throws<OnnxModelException>(() => Load(model, "short.onnx"));
        Assert.Contains("initializer 'w' has 10 bytes of raw data", e.Message);
    }

    private ModelProto ExternalMatMul(Tensor w, string location, long offset, long length)
    {
        ModelProto model = new OneNodeModel("MatMul").Input("a", OpCases.F(2, 3)).Constant("w", w).Output("y", TensorElementType.Float32).Build();
        TensorProto init = model.Graph.Initializer[0];
        init.RawData = ByteString.Empty;
        init.DataLocation = TensorProto.Types.DataLocation.External;
        init.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        init.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        init.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return model;
    }

    private string Save(ModelProto model, string name)
    {
        string path = _folder.File(name);
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    private GravitonSession Load(ModelProto model, string name) => new(Save(model, name));

    public void Dispose() => _folder.Dispose();
}
