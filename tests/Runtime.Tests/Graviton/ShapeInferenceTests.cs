using MlNetGraviton.Models;
using MlNetGraviton.Runtime.Graph;

namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>Load-time shapes carry batch_size and sequence_length through the transformer graphs.</summary>
public sealed class ShapeInferenceTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>, IDisposable
{
    private readonly TempFolder _folder = new();

    [Theory]
    [InlineData(TransformerArchitecture.Bert)]
    [InlineData(TransformerArchitecture.Roberta)]
    [InlineData(TransformerArchitecture.Gpt2)]
    public void Outputs_and_attention_scores_have_symbolic_shapes(TransformerArchitecture arch)
    {
        var (config, path) = models.Get(arch, strong: false);
        using var session = new GravitonSession(path, threads: 1);
        Assert.Equal($"[batch_size, sequence_length, {config.Hidden}]", session.InferredShapes["last_hidden_state"].ToString());
        // The per-head scores of the first layer: a MatMul of [b, heads, s, d] by [b, heads, d, s].
        string scores = $"[batch_size, {config.Heads}, sequence_length, sequence_length]";
        Assert.Contains(session.InferredShapes.Values, s => s.ToString() == scores);
    }

    [Fact]
    public void Inferred_shapes_agree_with_the_run()
    {
        var (config, path) = models.Get(TransformerArchitecture.Bert, strong: true);
        using var session = new GravitonSession(path, threads: 1);
        IReadOnlyDictionary<string, Tensor> outputs = session.Run(TransformerInputs.Create(config, 3, 5, seed: 1));
        foreach (var (name, tensor) in outputs)
        {
            SymbolicShape inferred = session.InferredShapes[name];
            Assert.Equal(tensor.Rank, inferred.Rank);
            for (int i = 0; i < tensor.Rank; i++)
            {
                SymbolicDim d = inferred.Dims[i];
                long expected = d.IsFixed ? d.Value : d.Symbol == "batch_size" ? 3 : d.Symbol == "sequence_length" ? 5 : tensor.Dimension(i);
                Assert.Equal(expected, tensor.Dimension(i));
            }
        }
    }

    [Fact]
    public void MatMul_with_mismatched_fixed_inner_dimensions_fails_at_load_naming_the_node()
    {
        string path = new OneNodeModel("MatMul").Input("a", OpCases.F(2, 5)).Constant("b", OpCases.F(4, 3)).Output("y", TensorElementType.Float32).Save(_folder);
        var e = Assert.Throws<OnnxModelException>(() => new GravitonSession(path));
        Assert.Contains("node 'node0' (MatMul)", e.Message);
        Assert.Contains("5 and 4", e.Message);
    }

    [Fact]
    public void Symbolic_broadcasting_prefers_fixed_sizes_and_keeps_equal_symbols()
    {
        var a = new SymbolicShape([SymbolicDim.Named("batch_size"), SymbolicDim.Fixed(1), SymbolicDim.Named("sequence_length")]);
        var b = new SymbolicShape([SymbolicDim.Fixed(4), SymbolicDim.Named("sequence_length"), SymbolicDim.Named("sequence_length")]);
        Assert.Equal("[4, sequence_length, sequence_length]", ShapeInference.Broadcast(a, b).ToString());
        Assert.Throws<ArgumentException>(() => ShapeInference.Broadcast(SymbolicShape.Of([2, 3]), SymbolicShape.Of([4, 3])));
    }

    public void Dispose() => _folder.Dispose();
}
