using MlNetGraviton.Models;

namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>Concurrency, repeat runs over pooled buffers, output selection and the session's self-description.</summary>
public sealed class SessionBehaviourTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>
{
    [Fact]
    public void Concurrent_runs_on_one_session_each_get_their_own_answer()
    {
        var (config, path) = models.Get(TransformerArchitecture.Roberta, strong: true);
        using var session = new GravitonSession(path, threads: 2);
        var cases = Enumerable.Range(0, 6).Select(i => TransformerInputs.Create(config, 1 + i % 3, 5 + 3 * i, seed: 100 + i)).ToArray();
        var expected = cases.Select(c => OrtReference.Run(path, c)).ToArray();
        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            int c = i % cases.Length;
            IReadOnlyDictionary<string, Tensor> actual = session.Run(cases[c]);
            foreach (var (name, tensor) in expected[c])
                TensorAssert.Parity(tensor, actual[name], $"run {i} {name}");
        });
    }

    [Fact]
    public void Repeated_runs_with_changing_shapes_reuse_buffers_without_mixing_results()
    {
        var (config, path) = models.Get(TransformerArchitecture.Gpt2, strong: true);
        using var session = new GravitonSession(path, threads: 1);
        var first = TransformerInputs.Create(config, 2, 9, seed: 3);
        IReadOnlyDictionary<string, Tensor> kept = session.Run(first);
        float[] snapshot = kept["logits"].AsSpan<float>().ToArray();
        foreach (var (b, s) in new[] { (1, 1), (3, 9), (2, 9), (1, 17), (2, 9) })
        {
            var inputs = TransformerInputs.Create(config, b, s, seed: b * 10 + s);
            IReadOnlyDictionary<string, Tensor> actual = session.Run(inputs);
            // GPT-2's fused causal attention differs, by construction, only at left-padded positions no valid one reads.
            Optimization.Optimized.ParityAtValidPositions(OrtReference.Run(path, inputs), actual, inputs["attention_mask"], $"[{b}, {s}]");
        }
        // Outputs handed to the caller are theirs: later runs never write into them.
        Assert.Equal(snapshot, kept["logits"].AsSpan<float>().ToArray());
    }

    [Fact]
    public void Returned_outputs_are_reused_by_later_runs_once_and_results_stay_right()
    {
        var (config, path) = models.Get(TransformerArchitecture.Gpt2, strong: true);
        using var session = new GravitonSession(path, threads: 2);
        var inputs = TransformerInputs.Create(config, 2, 9, seed: 21);
        var expected = OrtReference.Run(path, inputs);
        IReadOnlyDictionary<string, Tensor> first = session.Run(inputs);
        Array logits = first["logits"].Data;
        session.ReturnOutputs(first);
        session.ReturnOutputs(first); // a second return of the same buffers is ignored
        IReadOnlyDictionary<string, Tensor> second = session.Run(inputs);
        IReadOnlyDictionary<string, Tensor> third = session.Run(inputs);
        Assert.Same(logits, second["logits"].Data);
        Assert.NotSame(second["logits"].Data, third["logits"].Data);
        Optimization.Optimized.ParityAtValidPositions(expected, second, inputs["attention_mask"], "run into returned buffers");
        foreach (string name in expected.Keys)
            Assert.Equal(second[name].AsSpan<float>().ToArray(), third[name].AsSpan<float>().ToArray());
    }

    [Fact]
    public void The_pool_takes_back_only_its_own_arrays_each_once()
    {
        var pool = new Execution.TensorPool();
        Assert.False(pool.Return(TensorElementType.Float32, new float[8]));
        Array rented = pool.Rent(TensorElementType.Float32, 8);
        Assert.False(pool.Return(TensorElementType.Int32, rented));
        Assert.True(pool.Return(TensorElementType.Float32, rented));
        Assert.False(pool.Return(TensorElementType.Float32, rented));
        Assert.Same(rented, pool.Rent(TensorElementType.Float32, 8));
        Assert.NotSame(rented, pool.Rent(TensorElementType.Float32, 8));
        Assert.True(pool.Return(TensorElementType.Float32, rented));
    }

    [Fact]
    public void The_pool_keeps_at_most_its_budget_and_drops_the_sizes_used_longest_ago()
    {
        // Every sequence length is a new set of sizes: an embedding job over texts of all lengths held gigabytes.
        var pool = new Execution.TensorPool(minimumBudget: 4096);
        Assert.Equal(4096, pool.Budget);
        var returned = new List<Array>();
        Array hot = pool.Rent(TensorElementType.Float32, 64);
        for (int length = 100; length < 140; length++)
        {
            Array a = pool.Rent(TensorElementType.Float32, length);
            Assert.True(pool.Return(TensorElementType.Float32, a));
            returned.Add(a);
            Assert.True(pool.FreeBytes <= pool.Budget, $"after length {length}: {pool.FreeBytes} free bytes, budget {pool.Budget}");
            // A size in use every step (a run's repeated shape) is never the one dropped.
            Assert.True(pool.Return(TensorElementType.Float32, hot));
            Assert.Same(hot, pool.Rent(TensorElementType.Float32, 64));
        }
        Assert.Same(returned[^1], pool.Rent(TensorElementType.Float32, 139)); // the newest sizes stay
        Assert.NotSame(returned[0], pool.Rent(TensorElementType.Float32, 100)); // the oldest went
        Assert.False(pool.Return(TensorElementType.Float32, returned[0]));   // and a stray return of it is refused

        // The budget follows the largest run: its whole set of arrays fits twice.
        pool.NoteRun(10_000);
        Assert.Equal(20_000, pool.Budget);
        for (int length = 200; length < 260; length++)
            Assert.True(pool.Return(TensorElementType.Float32, pool.Rent(TensorElementType.Float32, length)));
        Assert.InRange(pool.FreeBytes, 20_000 - 4 * 260, 20_000);
    }

    [Fact]
    public void A_run_reports_the_bytes_it_held_at_its_peak_to_the_pool()
    {
        var (config, path) = models.Get(TransformerArchitecture.Bert, strong: true);
        using var session = new GravitonSession(path);
        var inputs = TransformerInputs.Create(config, 2, 9, seed: 3);
        IReadOnlyDictionary<string, Tensor> outputs = session.Run(inputs);
        long outputBytes = outputs.Values.Sum(t => t.SizeInBytes);
        long hidden = 2L * 9 * config.Hidden * sizeof(float), intermediate = 2L * 9 * config.FfnSize * sizeof(float);
        // At its peak a run holds at least its outputs plus a layer's hidden and intermediate activations.
        Assert.True(session.Pool.LargestRun >= outputBytes + hidden + intermediate,
            $"largest run {session.Pool.LargestRun} bytes; outputs {outputBytes}, hidden {hidden}, intermediate {intermediate}");
        Assert.True(session.Pool.FreeBytes <= session.Pool.Budget);
    }

    [Fact]
    public void Selected_outputs_only()
    {
        var (config, path) = models.Get(TransformerArchitecture.Bert, strong: true);
        using var session = new GravitonSession(path, threads: 1);
        var inputs = TransformerInputs.Create(config, 2, 6, seed: 9);
        IReadOnlyDictionary<string, Tensor> logits = session.Run(inputs, ["logits"]);
        Assert.Equal(["logits"], logits.Keys);
        TensorAssert.Parity(OrtReference.Run(path, inputs)["logits"], logits["logits"], "logits");
    }

    [Fact]
    public void Inputs_outputs_and_description_describe_the_graph()
    {
        var (_, path) = models.Get(TransformerArchitecture.Bert, strong: false);
        using var session = new GravitonSession(path, threads: 2);
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], session.Inputs.Select(i => i.Name));
        Assert.Equal("[batch_size, sequence_length]", session.Inputs[0].FormatDims());
        Assert.Contains("last_hidden_state", session.Outputs.Select(o => o.Name));
        Assert.Equal(Precision.Float32, session.ChosenPrecision);
        Assert.Contains("graviton engine, fp32", session.Description);
        Assert.Contains("Sgemm_", session.Description);
        Assert.Contains("intra-op threads 2", session.Description);
    }

    [Fact]
    public void Caller_inputs_are_not_modified()
    {
        var (config, path) = models.Get(TransformerArchitecture.Bert, strong: true);
        using var session = new GravitonSession(path, threads: 1);
        var inputs = TransformerInputs.Create(config, 2, 7, seed: 4);
        var before = inputs.ToDictionary(kv => kv.Key, kv => kv.Value.AsSpan<long>().ToArray());
        session.Run(inputs);
        foreach (var (name, values) in before)
            Assert.Equal(values, inputs[name].AsSpan<long>().ToArray());
    }
}
