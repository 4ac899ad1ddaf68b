namespace MlNetGraviton.Runtime.Tests;

/// <summary>Inputs that do not fit the graph are rejected before ONNX Runtime runs, naming the input and what was expected.</summary>
public class InputValidationTests(GraphFixture fixture) : IClassFixture<GraphFixture>
{
    private InputMismatchException Reject(Action<Dictionary<string, Tensor>> spoil)
    {
        Dictionary<string, Tensor> inputs = TestGraph.Inputs(2, 3, seed: 5);
        spoil(inputs);
        return Assert.Throws<InputMismatchException>(() => fixture.Session.Run(inputs));
    }

    [Fact]
    public void Unknown_input_lists_the_model_inputs()
    {
        var e = Reject(d => d["input_ids"] = Tensor.Create(new long[2], 2));
        Assert.Equal("input_ids", e.InputName);
        Assert.Contains("unknown input 'input_ids'", e.Message);
        Assert.Contains("x: float32 [batch_size, 3]", e.Message);
    }

    [Fact]
    public void Missing_input_says_what_the_model_expects()
    {
        var e = Reject(d => d.Remove("ids"));
        Assert.Equal("ids", e.InputName);
        Assert.Contains("missing input 'ids'", e.Message);
        Assert.Contains("int64 [batch_size, sequence_length]", e.Message);
    }

    [Fact]
    public void Wrong_element_type()
    {
        var e = Reject(d => d["ids"] = Tensor.Create(new int[6], 2, 3));
        Assert.Contains("input 'ids' is int32", e.Message);
        Assert.Contains("expects int64", e.Message);
    }

    [Fact]
    public void Wrong_rank()
    {
        var e = Reject(d => d["x"] = Tensor.Create(new float[6], 6));
        Assert.Contains("input 'x' has shape [6] (rank 1)", e.Message);
        Assert.Contains("rank 2: [batch_size, 3]", e.Message);
    }

    [Fact]
    public void Wrong_fixed_dimension()
    {
        var e = Reject(d => d["x"] = Tensor.Create(new float[8], 2, 4));
        Assert.Contains("input 'x' has shape [2, 4]; dimension 1 must be 3", e.Message);
    }

    [Fact]
    public void Symbolic_dimension_must_agree_across_inputs()
    {
        var e = Reject(d => d["flags"] = Tensor.Create(new bool[3], 3));
        Assert.Equal("flags", e.InputName);
        Assert.Contains("batch_size = 3", e.Message);
        Assert.Contains("input 'x' has batch_size = 2", e.Message);
    }

    [Fact]
    public void Unknown_or_repeated_output_names()
    {
        Dictionary<string, Tensor> inputs = TestGraph.Inputs(1, 1, seed: 2);
        var unknown = Assert.Throws<ArgumentException>(() => fixture.Session.Run(inputs, ["logits"]));
        Assert.Contains("unknown output 'logits'", unknown.Message);
        var twice = Assert.Throws<ArgumentException>(() => fixture.Session.Run(inputs, ["y", "y"]));
        Assert.Contains("output 'y' is requested twice", twice.Message);
    }
}
