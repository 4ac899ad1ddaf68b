using MlNetGraviton.Models.Weights;
using Onnx;
using static MlNetGraviton.Models.Graph.OnnxGraphWriter;
using DataType = Onnx.TensorProto.Types.DataType;

namespace MlNetGraviton.Models.Graph;

/// <summary>BERT and RoBERTa encoders (HF BertModel / RobertaModel, optionally *ForSequenceClassification), post-LN blocks.</summary>
internal static class EncoderGraph
{
    private const int BertPaddingIdx = 0;

    public static void Build(OnnxGraphWriter g, TransformerConfig c)
    {
        bool roberta = c.Architecture == TransformerArchitecture.Roberta;
        var ops = new TransformerOps(g, c);
        int h = c.Hidden;

        g.AddInput("input_ids", DataType.Int64, "batch_size", "sequence_length");
        g.AddInput("attention_mask", DataType.Int64, "batch_size", "sequence_length");
        if (!roberta)
            g.AddInput("token_type_ids", DataType.Int64, "batch_size", "sequence_length");

        int paddingIdx = roberta ? TransformerConfig.RobertaPaddingIdx : BertPaddingIdx;
        string wordTable = g.Weight("embeddings.word_embeddings.weight", [c.VocabSize, h], WeightInit.Normal(c.InitStd, zeroRow: paddingIdx));
        string positionTable = g.Weight("embeddings.position_embeddings.weight", [c.MaxPositions, h],
            WeightInit.Normal(c.InitStd, zeroRow: roberta ? paddingIdx : -1));
        string typeTable = g.Weight("embeddings.token_type_embeddings.weight", [c.TypeVocabSize, h], WeightInit.Normal(c.InitStd));

        const string scope = "/embeddings";
        string words = g.Op(scope + "/word_embeddings", "Gather", [wordTable, "input_ids"]);
        string typeIds = roberta ? ZeroTokenTypes(g, scope) : "token_type_ids";
        string types = g.Op(scope + "/token_type_embeddings", "Gather", [typeTable, typeIds]);
        string positionIds = roberta ? RobertaPositionIds(g, scope) : BertPositionIds(g, ops, c, scope);
        string positions = g.Op(scope + "/position_embeddings", "Gather", [positionTable, positionIds]);
        string x = g.Op(scope, "Add", [words, types]);
        x = g.Op(scope, "Add", [x, positions]);
        x = ops.LayerNorm(scope + "/LayerNorm", x, "embeddings.LayerNorm");

        string mask = ops.AdditiveAttentionMask("attention_mask");
        for (int i = 0; i < c.Layers; i++)
        {
            string prefix = $"encoder.layer.{i}";
            string s = $"/encoder/layer.{i}";
            var attentionInit = WeightInit.Normal(c.AttentionStd);
            var init = WeightInit.Normal(c.InitStd);
            string q = ops.Linear(s + "/attention/self/query", x, prefix + ".attention.self.query", h, h, attentionInit);
            string k = ops.Linear(s + "/attention/self/key", x, prefix + ".attention.self.key", h, h, attentionInit);
            string v = ops.Linear(s + "/attention/self/value", x, prefix + ".attention.self.value", h, h, init);
            string context = ops.Attention(s + "/attention/self", q, k, v, mask);
            string projected = ops.Linear(s + "/attention/output/dense", context, prefix + ".attention.output.dense", h, h, init);
            x = ops.LayerNorm(s + "/attention/output/LayerNorm",
                g.Op(s + "/attention/output", "Add", [projected, x]), prefix + ".attention.output.LayerNorm");

            string inner = ops.Linear(s + "/intermediate/dense", x, prefix + ".intermediate.dense", h, c.FfnSize, init);
            inner = ops.GeluErf(s + "/intermediate/intermediate_act_fn", inner);
            string output = ops.Linear(s + "/output/dense", inner, prefix + ".output.dense", c.FfnSize, h, init);
            x = ops.LayerNorm(s + "/output/LayerNorm", g.Op(s + "/output", "Add", [output, x]), prefix + ".output.LayerNorm");
        }
        g.AddOutput(x, "last_hidden_state", DataType.Float, "batch_size", "sequence_length", h);

        if (c.NumLabels > 0)
            g.AddOutput(ClassificationHead(g, ops, c, x), "logits", DataType.Float, "batch_size", c.NumLabels);
    }

    /// <summary>BERT: pooler (dense + tanh on [CLS]) then classifier; RoBERTa: RobertaClassificationHead (dense + tanh on &lt;s&gt;, out_proj).</summary>
    private static string ClassificationHead(OnnxGraphWriter g, TransformerOps ops, TransformerConfig c, string hidden)
    {
        var init = WeightInit.Normal(c.InitStd);
        bool roberta = c.Architecture == TransformerArchitecture.Roberta;
        string first = ops.FirstToken(roberta ? "/classifier" : "/pooler", hidden);
        string dense = roberta
            ? ops.Linear("/classifier/dense", first, "classifier.dense", c.Hidden, c.Hidden, init)
            : ops.Linear("/pooler/dense", first, "pooler.dense", c.Hidden, c.Hidden, init);
        string activated = g.Op(roberta ? "/classifier" : "/pooler/activation", "Tanh", [dense]);
        return roberta
            ? ops.Linear("/classifier/out_proj", activated, "classifier.out_proj", c.Hidden, c.NumLabels, init)
            : ops.Linear("/classifier", activated, "classifier", c.Hidden, c.NumLabels, init);
    }

    /// <summary>The registered position_ids buffer [1, max_positions] sliced to [1, sequence_length], as BertEmbeddings does.</summary>
    private static string BertPositionIds(OnnxGraphWriter g, TransformerOps ops, TransformerConfig c, string scope)
    {
        var ids = new long[c.MaxPositions];
        for (int i = 0; i < ids.Length; i++)
            ids[i] = i;
        string buffer = g.Buffer("embeddings.position_ids", DataType.Int64, [1, c.MaxPositions],
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(ids.AsSpan()).ToArray());
        string length = ops.SequenceLength(scope, "input_ids");
        string end = g.Op(scope, "Unsqueeze", [length, g.Int64s(0)]);
        return g.Op(scope, "Slice", [buffer, g.Int64s(0), end, g.Int64s(1)]);
    }

    /// <summary>HF create_position_ids_from_input_ids: cumsum(input_ids != pad) * (input_ids != pad) + pad.</summary>
    private static string RobertaPositionIds(OnnxGraphWriter g, string scope)
    {
        long pad = TransformerConfig.RobertaPaddingIdx;
        string isPad = g.Op(scope, "Equal", ["input_ids", g.Int64Scalar(pad)]);
        string notPad = g.Op(scope, "Not", [isPad]);
        string mask = g.Op(scope, "Cast", [notPad], Attr("to", (long)DataType.Int32));
        string cumulative = g.Op(scope, "CumSum", [mask, g.Int32Scalar(1)]);
        string masked = g.Op(scope, "Mul", [cumulative, mask]);
        string asLong = g.Op(scope, "Cast", [masked], Attr("to", (long)DataType.Int64));
        return g.Op(scope, "Add", [asLong, g.Int64Scalar(pad)]);
    }

    /// <summary>RoBERTa is called without token_type_ids: zeros shaped like input_ids.</summary>
    private static string ZeroTokenTypes(OnnxGraphWriter g, string scope)
    {
        string shape = g.Op(scope, "Shape", ["input_ids"]);
        var zero = new TensorProto { DataType = (int)DataType.Int64, RawData = Google.Protobuf.ByteString.CopyFrom(new byte[8]) };
        zero.Dims.Add(1);
        return g.Op(scope, "ConstantOfShape", [shape], Attr("value", zero));
    }
}
