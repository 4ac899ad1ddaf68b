using Onnx;

namespace MlNetGraviton.Runtime.Tests.Graviton.Contrib;

/// <summary>
/// ONNX Runtime's optimized graphs (EXTENDED and ALL) of the tiny src/Models transformers, contrib ops and all, run on
/// the graviton engine and match ONNX Runtime on the same optimized file: batch 1 and 3, sequence 1, 9 and 64, padded masks.
/// </summary>
public sealed class OptimizedGraphParityTests(OptimizedModelFiles models) : IClassFixture<OptimizedModelFiles>
{
    public static TheoryData<string, GraphOptimization, int, int> Cases()
    {
        var data = new TheoryData<string, GraphOptimization, int, int>();
        foreach (string variant in OptimizedModelFiles.Variants.Keys)
            foreach (GraphOptimization level in new[] { GraphOptimization.Extended, GraphOptimization.All })
                foreach (int batch in new[] { 1, 3 })
                    foreach (int sequence in new[] { 1, 9, 64 })
                        data.Add(variant, level, batch, sequence);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Optimized_graph_matches_onnx_runtime(string variant, GraphOptimization level, int batch, int sequence)
    {
        var (config, path) = models.Get(variant, level);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, batch, sequence, seed: batch * 100 + sequence);
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(path, inputs);
        using var session = new GravitonSession(path, threads: 2);
        IReadOnlyDictionary<string, Tensor> actual = session.Run(inputs);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            TensorAssert.Parity(tensor, actual[name], $"{variant} {level} [{batch}, {sequence}] {name}");
    }

    [Theory]
    [InlineData(GraphOptimization.Extended)]
    [InlineData(GraphOptimization.All)]
    public void Optimized_graphs_really_contain_contrib_ops(GraphOptimization level)
    {
        // What ORT 1.31 writes for these exports: every variant has FusedMatMul and a GELU fusion; heads add FusedGemm.
        foreach (string variant in OptimizedModelFiles.Variants.Keys)
        {
            string[] ops = ContribOpsIn(models.Get(variant, level).OptimizedPath);
            Assert.Contains("FusedMatMul", ops);
            Assert.Contains(variant.StartsWith("gpt2", StringComparison.Ordinal) ? "FastGelu" : "BiasGelu", ops);
            if (variant is "bert-cased-strong" or "roberta-strong")
                Assert.Contains("FusedGemm", ops);
        }
    }

    internal static string[] ContribOpsIn(string path) =>
        ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node.Where(n => n.Domain == ContribCases.Ms).Select(n => n.OpType).Distinct().ToArray();
}
