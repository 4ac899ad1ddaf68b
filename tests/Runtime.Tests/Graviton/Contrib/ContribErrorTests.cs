using MlNetGraviton.Runtime.Execution;
using MlNetGraviton.Runtime.Graph;

namespace MlNetGraviton.Runtime.Tests.Graviton.Contrib;

/// <summary>
/// Contrib forms the graviton engine does not implement fail at load naming node, op, domain com.microsoft, opset and
/// the form; inputs a kernel cannot take fail at Run naming the node and the input.
/// </summary>
public sealed class ContribErrorTests : IDisposable
{
    private const TensorElementType F32 = TensorElementType.Float32;
    private readonly TempFolder _folder = new();

    public static TheoryData<string, string> UnsupportedForms() => new()
    {
        { "attention past", "past state (input 4 'past')" },
        { "attention bias input", "attention_bias (input 5)" },
        { "attention present", "'present' output" },
        { "attention rotary", "do_rotary = 1" },
        { "skip layer norm mean output", "output 1 (mean)" },
        { "fused matmul batch transpose", "transBatchA = 1" },
        { "fused gemm activation", "activation 'HardSigmoid'" },
    };

    private static OneNodeModel Unsupported(string name) => name switch
    {
        "attention past" => ContribCases.Attention(1, 3, 8, 2, mask: ContribCases.I32([3], 1)).Input("past", ContribCases.F(1f, 2, 1, 2, 0, 4)),
        "attention bias input" => ContribCases.Attention(1, 3, 8, 2, mask: ContribCases.I32([3], 1)).Skip().Input("attention_bias", ContribCases.F(1f, 1, 2, 3, 3)),
        "attention present" => ContribCases.Attention(1, 3, 8, 2).Output("present", F32),
        "attention rotary" => ContribCases.Attention(1, 3, 8, 2).Attr("do_rotary", 1L),
        "skip layer norm mean output" => ContribCases.Op("SkipLayerNormalization").Input("input", ContribCases.F(1f, 1, 2, 8))
            .Input("skip", ContribCases.F(1f, 1, 2, 8)).Constant("gamma", ContribCases.F(1f, 8)).Output("output", F32).Output("mean", F32),
        "fused matmul batch transpose" => ContribCases.Op("FusedMatMul").Input("a", ContribCases.F(1f, 2, 3, 4)).Input("b", ContribCases.F(1f, 2, 4, 3))
            .Attr("transBatchA", 1L).Output("y", F32),
        _ => ContribCases.Op("FusedGemm").Input("a", ContribCases.F(1f, 2, 4)).Input("b", ContribCases.F(1f, 4, 3)).Attr("activation", "HardSigmoid").Output("y", F32),
    };

    [Theory]
    [MemberData(nameof(UnsupportedForms))]
    public void Unsupported_form_fails_at_load_naming_node_op_domain_opset_and_form(string name, string form)
    {
        OneNodeModel model = Unsupported(name);
        var e = Assert.Throws<UnsupportedOperatorException>(() => new GravitonSession(model.Save(_folder)));
        Assert.Equal("node0", e.NodeName);
        Assert.Equal(model.OpType, e.OpType);
        Assert.Equal("com.microsoft", e.Domain);
        Assert.Equal(1, e.Opset);
        Assert.Contains($"node 'node0': {model.OpType} (domain 'com.microsoft', opset 1)", e.Message);
        Assert.Contains(form, e.Message);
    }

    [Fact]
    public void Attention_with_a_four_dimensional_mask_fails_at_run_naming_node_and_mask()
    {
        OneNodeModel model = ContribCases.Attention(2, 5, 8, 2, mask: ContribCases.I32(new int[2 * 25], 2, 1, 5, 5));
        using var session = new GravitonSession(model.Save(_folder));
        var e = Assert.Throws<GraphExecutionException>(() => session.Run(model.Feeds()));
        Assert.Equal("node0", e.NodeName);
        Assert.Contains("mask_index", e.Message);
        Assert.Contains("4-D", e.Message);
    }

    [Fact]
    public void Attention_mask_of_the_wrong_length_fails_at_run()
    {
        OneNodeModel model = ContribCases.Attention(2, 5, 8, 2, mask: ContribCases.I32([5, 5, 5], 3));
        using var session = new GravitonSession(model.Save(_folder));
        var e = Assert.Throws<GraphExecutionException>(() => session.Run(model.Feeds()));
        Assert.Contains("mask_index int32 [3] matches none of [B], [2B], [B, T], [B, S, T] for B = 2, S = 5, T = 5", e.Message);
    }

    [Fact]
    public void Attention_weights_that_do_not_split_into_heads_fail_at_load()
    {
        OneNodeModel model = ContribCases.Op("Attention").Input("input", ContribCases.F(1f, 1, 3, 8)).Constant("weights", ContribCases.F(1f, 8, 20))
            .Constant("bias", ContribCases.F(1f, 20)).Attr("num_heads", 2L).Output("output", F32);
        var e = Assert.Throws<OnnxModelException>(() => new GravitonSession(model.Save(_folder)));
        Assert.Contains("node 'node0' (Attention): weights", e.Message);
        Assert.Contains("20 columns", e.Message);
    }

    [Fact]
    public void Skip_of_another_shape_fails_at_run_naming_skip()
    {
        OneNodeModel model = ContribCases.Op("SkipLayerNormalization").Input("input", ContribCases.F(1f, 2, 3, 8)).Input("skip", ContribCases.F(1f, 2, 2, 8))
            .Constant("gamma", ContribCases.F(1f, 8)).Output("output", F32);
        using var session = new GravitonSession(model.Save(_folder));
        var e = Assert.Throws<GraphExecutionException>(() => session.Run(model.Feeds()));
        Assert.Contains("skip float32 [2, 2, 8]", e.Message);
    }

    [Fact]
    public void Bias_gelu_with_a_bias_of_the_wrong_length_fails_at_run()
    {
        OneNodeModel model = ContribCases.Op("BiasGelu").Input("x", ContribCases.F(1f, 2, 6)).Input("bias", ContribCases.F(1f, 5)).Output("y", F32);
        using var session = new GravitonSession(model.Save(_folder));
        var e = Assert.Throws<GraphExecutionException>(() => session.Run(model.Feeds()));
        Assert.Contains("bias must be float32 [6]", e.Message);
    }

    [Fact]
    public void Embed_layer_norm_id_outside_the_table_fails_at_run_naming_input_and_value()
    {
        OneNodeModel model = ContribCases.Op("EmbedLayerNormalization").Input("ids", ContribCases.I32([1, 2, 10], 1, 3)).Skip()
            .Constant("word", ContribCases.F(1f, 10, 8)).Constant("position", ContribCases.F(1f, 4, 8)).Skip()
            .Constant("gamma", ContribCases.F(1f, 8)).Constant("beta", ContribCases.F(1f, 8)).Output("output", F32).Output("mask_index", TensorElementType.Int32);
        using var session = new GravitonSession(model.Save(_folder));
        var e = Assert.Throws<GraphExecutionException>(() => session.Run(model.Feeds()));
        Assert.Contains("input_ids value 10 at token 2 is outside the table's 10 rows", e.Message);
    }

    public void Dispose() => _folder.Dispose();
}
