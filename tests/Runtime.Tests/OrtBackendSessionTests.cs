namespace MlNetGraviton.Runtime.Tests;

public class OrtBackendSessionTests(GraphFixture fixture) : IClassFixture<GraphFixture>
{
    private OrtBackendSession Session => fixture.Session;

    [Fact]
    public void Inputs_and_outputs_carry_types_and_symbolic_dims()
    {
        Assert.Equal(new[] { "x", "ids", "flags" }, Session.Inputs.Select(i => i.Name));
        TensorInfo x = Session.Inputs[0];
        Assert.Equal(TensorElementType.Float32, x.ElementType);
        Assert.Equal(new long[] { -1, 3 }, x.Dims);
        Assert.Equal(new string?[] { "batch_size", null }, x.SymbolicDims);
        Assert.Equal("x: float32 [batch_size, 3]", x.ToString());
        Assert.Equal(TensorElementType.Int64, Session.Inputs[1].ElementType);
        Assert.Equal(new string?[] { "batch_size", "sequence_length" }, Session.Inputs[1].SymbolicDims);
        Assert.Equal(TensorElementType.Bool, Session.Inputs[2].ElementType);

        Assert.Equal(new[] { "y", TestGraph.LogitsName, "ids_doubled", "not_flags" }, Session.Outputs.Select(o => o.Name));
        Assert.Equal(new long[] { -1, 4 }, Session.Outputs[0].Dims);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 7)]
    [InlineData(64, 3)]
    public void Run_matches_the_plain_reference(int batch, int sequence)
    {
        Dictionary<string, Tensor> inputs = TestGraph.Inputs(batch, sequence, seed: batch * 100 + sequence);
        IReadOnlyDictionary<string, Tensor> outputs = Session.Run(inputs);

        float[] x = inputs["x"].AsSpan<float>().ToArray();
        float[] expectedY = fixture.Graph.Reference(x);
        Assert.Equal(new long[] { batch, 4 }, outputs["y"].Shape);
        Approx.Equal(expectedY, outputs["y"].AsSpan<float>());
        Approx.Equal(expectedY.Select(v => Math.Max(v, 0f)).ToArray(), outputs[TestGraph.LogitsName].AsSpan<float>());

        long[] ids = inputs["ids"].AsSpan<long>().ToArray();
        Assert.Equal(new long[] { batch, sequence }, outputs["ids_doubled"].Shape);
        Assert.Equal(ids.Select(v => v * 2).ToArray(), outputs["ids_doubled"].AsSpan<long>().ToArray());
        bool[] flags = inputs["flags"].AsSpan<bool>().ToArray();
        Assert.Equal(flags.Select(f => !f).ToArray(), outputs["not_flags"].AsSpan<bool>().ToArray());
    }

    [Fact]
    public void Empty_batch_gives_empty_outputs()
    {
        IReadOnlyDictionary<string, Tensor> outputs = Session.Run(TestGraph.Inputs(0, 4, seed: 1));
        Assert.Equal(new long[] { 0, 4 }, outputs["y"].Shape);
        Assert.Equal(new long[] { 0, 4 }, outputs["ids_doubled"].Shape);
    }

    [Fact]
    public void Output_names_select_outputs()
    {
        IReadOnlyDictionary<string, Tensor> outputs = Session.Run(TestGraph.Inputs(2, 2, seed: 3), ["not_flags", "y"]);
        Assert.Equal(new[] { "not_flags", "y" }.Order(), outputs.Keys.Order());
    }

    [Fact]
    public void Concurrent_runs_on_one_session_each_get_their_own_answer()
    {
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 32, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            Dictionary<string, Tensor> inputs = TestGraph.Inputs(1 + i % 5, 2, seed: 1000 + i);
            float[] expected = fixture.Graph.Reference(inputs["x"].AsSpan<float>().ToArray());
            float[] actual = Session.Run(inputs, ["y"])["y"].AsSpan<float>().ToArray();
            for (int k = 0; k < expected.Length; k++)
                if (Math.Abs(expected[k] - actual[k]) > 1e-5f * (1 + Math.Abs(expected[k])))
                    failures.Add($"run {i} element {k}: expected {expected[k]}, got {actual[k]}");
        });
        Assert.Empty(failures);
    }

    [Fact]
    public void Description_names_engine_and_precision()
    {
        Assert.Contains("onnxruntime", Session.Description);
        Assert.Contains("fp32", Session.Description);
        Assert.Equal(Precision.Float32, Session.ChosenPrecision);
    }

    [Fact]
    public void Run_after_dispose_is_ObjectDisposed()
    {
        var session = new OrtBackendSession(fixture.ModelPath);
        session.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Run(TestGraph.Inputs(1, 1, seed: 1)));
    }
}
