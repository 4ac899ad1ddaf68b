using MlNetGraviton.Models;
using MlNetGraviton.Runtime.Execution;

namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>Bad inputs at Run name the input and what the graph expects; a node that cannot run names the node.</summary>
public sealed class RunErrorTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>, IDisposable
{
    private readonly TempFolder _folder = new();

    private GravitonSession Bert(out TransformerConfig config)
    {
        (config, string path) = models.Get(TransformerArchitecture.Bert, strong: false);
        return new GravitonSession(path, threads: 1);
    }

    [Fact]
    public void Unknown_input_name_is_named()
    {
        using GravitonSession session = Bert(out TransformerConfig config);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, 1, 4, seed: 1);
        inputs["input_idz"] = inputs["input_ids"];
        var e = Assert.Throws<InputMismatchException>(() => session.Run(inputs));
        Assert.Equal("input_idz", e.InputName);
    }

    [Fact]
    public void Missing_input_is_named()
    {
        using GravitonSession session = Bert(out TransformerConfig config);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, 1, 4, seed: 1);
        inputs.Remove("attention_mask");
        var e = Assert.Throws<InputMismatchException>(() => session.Run(inputs));
        Assert.Equal("attention_mask", e.InputName);
        Assert.Contains("missing input 'attention_mask'", e.Message);
    }

    [Fact]
    public void Wrong_type_is_named_with_the_expected_type()
    {
        using GravitonSession session = Bert(out TransformerConfig config);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, 1, 4, seed: 1);
        inputs["input_ids"] = Tensor.Create(new int[4], 1, 4);
        var e = Assert.Throws<InputMismatchException>(() => session.Run(inputs));
        Assert.Equal("input_ids", e.InputName);
        Assert.Contains("int32", e.Message);
        Assert.Contains("int64", e.Message);
    }

    [Fact]
    public void Wrong_rank_is_named()
    {
        using GravitonSession session = Bert(out TransformerConfig config);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, 1, 4, seed: 1);
        inputs["token_type_ids"] = Tensor.Create(new long[4], 4);
        var e = Assert.Throws<InputMismatchException>(() => session.Run(inputs));
        Assert.Equal("token_type_ids", e.InputName);
        Assert.Contains("rank", e.Message);
    }

    [Fact]
    public void Inconsistent_symbolic_dimension_is_named()
    {
        using GravitonSession session = Bert(out TransformerConfig config);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, 2, 4, seed: 1);
        inputs["attention_mask"] = Tensor.Create(new long[2 * 5], 2, 5);
        var e = Assert.Throws<InputMismatchException>(() => session.Run(inputs));
        Assert.Equal("attention_mask", e.InputName);
    }

    [Fact]
    public void Fixed_dimension_mismatch_is_named()
    {
        string path = new OneNodeModel("Relu").Input("x", OpCases.F(2, 3)).Output("y", TensorElementType.Float32).Save(_folder);
        using var session = new GravitonSession(path);
        var e = Assert.Throws<InputMismatchException>(() => session.Run(new Dictionary<string, Tensor> { ["x"] = OpCases.F(2, 4) }));
        Assert.Equal("x", e.InputName);
        Assert.Contains("dimension 1 must be 3", e.Message);
    }

    [Fact]
    public void Sequence_longer_than_the_position_table_names_the_failing_node()
    {
        using GravitonSession session = Bert(out TransformerConfig config);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, 1, config.MaxPositions + 1, seed: 1);
        var e = Assert.Throws<GraphExecutionException>(() => session.Run(inputs));
        Assert.False(string.IsNullOrEmpty(e.NodeName));
        Assert.Contains(e.NodeName, e.Message);
    }

    [Fact]
    public void Unknown_output_name_is_refused()
    {
        using GravitonSession session = Bert(out TransformerConfig config);
        var e = Assert.Throws<ArgumentException>(() => session.Run(TransformerInputs.Create(config, 1, 4, seed: 1), ["no_such_output"]));
        Assert.Contains("no_such_output", e.Message);
    }

    [Fact]
    public void Run_after_dispose_is_refused()
    {
        GravitonSession session = Bert(out TransformerConfig config);
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(TransformerInputs.Create(config, 1, 4, seed: 1)));
    }

    public void Dispose() => _folder.Dispose();
}
