using MlNetGraviton.Models.Weights;
using static MlNetGraviton.Models.Graph.OnnxGraphWriter;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MlNetGraviton.Models.Graph;

/// <summary>GPT-2 with its LM head (HF GPT2LMHeadModel): pre-LN blocks, fused c_attn, causal mask, logits through the tied wte.</summary>
internal static class Gpt2Graph
{
    public static void Build(OnnxGraphWriter g, TransformerConfig c)
    {
        var ops = new TransformerOps(g, c);
        int h = c.Hidden;
        var init = WeightInit.Normal(c.InitStd);
        // HF scales the init of every residual projection (c_proj) by 1/sqrt(2 * n_layer).
        var residualInit = WeightInit.Normal(c.InitStd / MathF.Sqrt(2f * c.Layers));

        g.AddInput("input_ids", DataType.Int64, "batch_size", "sequence_length");
        g.AddInput("attention_mask", DataType.Int64, "batch_size", "sequence_length");

        string wte = g.Weight("wte.weight", [c.VocabSize, h], init);
        string wpe = g.Weight("wpe.weight", [c.MaxPositions, h], init);

        // position_ids = arange(0, sequence_length)[None, :]
        string length = ops.SequenceLength("", "input_ids");
        string range = g.Op("", "Range", [g.Int64Scalar(0), length, g.Int64Scalar(1)]);
        string positionIds = g.Op("", "Unsqueeze", [range, g.Int64s(0)]);
        string x = g.Op("", "Add", [g.Op("/wte", "Gather", [wte, "input_ids"]), g.Op("/wpe", "Gather", [wpe, positionIds])]);

        string mask = ops.AdditiveAttentionMask("attention_mask");
        string causal = CausalMask(g, c, length);

        for (int i = 0; i < c.Layers; i++)
        {
            string prefix = $"h.{i}";
            string s = $"/h.{i}";
            string normed = ops.LayerNorm(s + "/ln_1", x, prefix + ".ln_1");
            // Fused [h, 3h] projection; the Q and K columns use AttentionStd.
            string qkv = ops.Linear(s + "/attn/c_attn", normed, prefix + ".attn.c_attn", h, 3 * h,
                new WeightInit(0f, c.InitStd, LeadingColumns: 2 * h, LeadingStd: c.AttentionStd));
            string[] parts = g.Op(s + "/attn", "Split", [qkv, g.Int64s(h, h, h)], 3, Attr("axis", 2L));
            string context = ops.Attention(s + "/attn", parts[0], parts[1], parts[2], mask, causal);
            string projected = ops.Linear(s + "/attn/c_proj", context, prefix + ".attn.c_proj", h, h, residualInit);
            x = g.Op(s, "Add", [projected, x]);

            normed = ops.LayerNorm(s + "/ln_2", x, prefix + ".ln_2");
            string inner = ops.Linear(s + "/mlp/c_fc", normed, prefix + ".mlp.c_fc", h, c.FfnSize, init);
            inner = ops.GeluTanh(s + "/mlp/act", inner);
            string output = ops.Linear(s + "/mlp/c_proj", inner, prefix + ".mlp.c_proj", c.FfnSize, h, residualInit);
            x = g.Op(s, "Add", [output, x]);
        }
        x = ops.LayerNorm("/ln_f", x, "ln_f");
        g.AddOutput(x, "last_hidden_state", DataType.Float, "batch_size", "sequence_length", h);

        // lm_head shares wte: logits = h · wteᵀ through a Transpose of the same initializer, no second copy.
        string wteTransposed = g.Op("/lm_head", "Transpose", [wte], Attr("perm", new long[] { 1, 0 }));
        string logits = g.Op("/lm_head", "MatMul", [x, wteTransposed]);
        g.AddOutput(logits, "logits", DataType.Float, "batch_size", "sequence_length", c.VocabSize);
    }

    /// <summary>HF's registered lower-triangular bool buffer [1, 1, n_positions, n_positions], sliced to [.., s, s].</summary>
    private static string CausalMask(OnnxGraphWriter g, TransformerConfig c, string length)
    {
        int n = c.MaxPositions;
        var lower = new byte[(long)n * n];
        for (int row = 0; row < n; row++)
            lower.AsSpan(row * n, row + 1).Fill(1);
        string buffer = g.Buffer("attn.bias", DataType.Bool, [1, 1, n, n], lower);
        string end = g.Op("/causal", "Unsqueeze", [length, g.Int64s(0)]);
        string ends = g.Op("/causal", "Concat", [end, end], Attr("axis", 0L));
        return g.Op("/causal", "Slice", [buffer, g.Int64s(0, 0), ends, g.Int64s(2, 3)]);
    }
}
