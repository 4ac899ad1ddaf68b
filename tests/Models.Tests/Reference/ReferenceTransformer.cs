using Onnx;
using static MlNetGraviton.Models.Tests.Reference.ReferenceMath;

namespace MlNetGraviton.Models.Tests.Reference;

/// <summary>
/// The Hugging Face forward pass of BertModel / RobertaModel (+ classification heads) and GPT2LMHeadModel,
/// written from the HF modelling code with plain loops over the model's initializers.
/// </summary>
internal sealed class ReferenceTransformer(ModelProto model, TransformerConfig config, Mutation mutation = Mutation.None)
{
    private const int RobertaPad = 1;
    private readonly ModelWeights w = new(model);

    public ReferenceOutputs Run(ModelInputs inputs)
    {
        var lastHidden = new List<double>();
        var logits = new List<double>();
        for (int b = 0; b < inputs.Batch; b++)
        {
            long[] ids = inputs.Row(inputs.InputIds, b);
            bool[] valid = inputs.Row(inputs.AttentionMask, b).Select(m => m != 0).ToArray();
            if (config.Architecture == TransformerArchitecture.Gpt2)
            {
                var (h, rowLogits) = Gpt2(ids, valid);
                lastHidden.AddRange(h.SelectMany(r => r));
                logits.AddRange(rowLogits.SelectMany(r => r));
            }
            else
            {
                long[] types = inputs.TokenTypeIds is null ? new long[ids.Length] : inputs.Row(inputs.TokenTypeIds, b);
                var h = Encoder(ids, types, valid);
                lastHidden.AddRange(h.SelectMany(r => r));
                if (config.NumLabels > 0)
                    logits.AddRange(ClassificationHead(h[0]));
            }
        }
        return new ReferenceOutputs(lastHidden.ToArray(), logits.Count > 0 ? logits.ToArray() : null);
    }

    private double[][] Encoder(long[] ids, long[] types, bool[] valid)
    {
        bool roberta = config.Architecture == TransformerArchitecture.Roberta;
        long[] positions = roberta ? RobertaPositions(ids) : Enumerable.Range(0, ids.Length).Select(i => (long)i).ToArray();
        var x = new double[ids.Length][];
        for (int t = 0; t < ids.Length; t++)
            x[t] = Embed("embeddings.word_embeddings.weight", ids[t])
                .Zip(Embed("embeddings.token_type_embeddings.weight", types[t]), (a, c) => a + c)
                .Zip(Embed("embeddings.position_embeddings.weight", positions[t]), (a, c) => a + c).ToArray();
        x = Norm(x, "embeddings.LayerNorm");

        for (int i = 0; i < config.Layers; i++)
        {
            string p = $"encoder.layer.{i}";
            var q = Dense(x, p + ".attention.self.query");
            var k = Dense(x, p + ".attention.self.key");
            var v = Dense(x, p + ".attention.self.value");
            var context = Attention(q, k, v, valid, config.Heads, causal: false, mutation);
            x = Norm(Add(Dense(context, p + ".attention.output.dense"), x), p + ".attention.output.LayerNorm");
            var inner = Map(Dense(x, p + ".intermediate.dense"), GeluErf);
            x = Norm(Add(Dense(inner, p + ".output.dense"), x), p + ".output.LayerNorm");
        }
        return x;
    }

    private double[] ClassificationHead(double[] first)
    {
        bool roberta = config.Architecture == TransformerArchitecture.Roberta;
        double[][] row = [first];
        var pooled = Map(Dense(row, roberta ? "classifier.dense" : "pooler.dense"), Math.Tanh);
        return Dense(pooled, roberta ? "classifier.out_proj" : "classifier")[0];
    }

    private (double[][] Hidden, double[][] Logits) Gpt2(long[] ids, bool[] valid)
    {
        var x = new double[ids.Length][];
        for (int t = 0; t < ids.Length; t++)
            x[t] = Embed("wte.weight", ids[t]).Zip(Embed("wpe.weight", t), (a, c) => a + c).ToArray();

        for (int i = 0; i < config.Layers; i++)
        {
            string p = $"h.{i}";
            var qkv = Dense(Norm(x, p + ".ln_1"), p + ".attn.c_attn");
            int h = config.Hidden;
            var q = qkv.Select(r => r[..h]).ToArray();
            var k = qkv.Select(r => r[h..(2 * h)]).ToArray();
            var v = qkv.Select(r => r[(2 * h)..]).ToArray();
            var context = Attention(q, k, v, valid, config.Heads, causal: true, mutation);
            x = Add(Dense(context, p + ".attn.c_proj"), x);
            var inner = Map(Dense(Norm(x, p + ".ln_2"), p + ".mlp.c_fc"), GeluTanh);
            x = Add(Dense(inner, p + ".mlp.c_proj"), x);
        }
        x = Norm(x, "ln_f");

        // Tied LM head: logits[t][token] = x[t] · wte[token].
        var (wte, dims) = w.Get("wte.weight");
        int vocab = (int)dims[0], hidden = (int)dims[1];
        var logits = new double[x.Length][];
        for (int t = 0; t < x.Length; t++)
        {
            logits[t] = new double[vocab];
            for (int token = 0; token < vocab; token++)
            {
                double dot = 0;
                for (int d = 0; d < hidden; d++)
                    dot += x[t][d] * wte[token * hidden + d];
                logits[t][token] = dot;
            }
        }
        return (x, logits);
    }

    /// <summary>HF create_position_ids_from_input_ids with padding_idx 1: real tokens count from 2, padding stays at 1.</summary>
    private static long[] RobertaPositions(long[] ids)
    {
        var positions = new long[ids.Length];
        long seen = 0;
        for (int t = 0; t < ids.Length; t++)
        {
            if (ids[t] != RobertaPad)
                seen++;
            positions[t] = ids[t] == RobertaPad ? RobertaPad : seen + RobertaPad;
        }
        return positions;
    }

    private double[] Embed(string table, long index)
    {
        var (values, dims) = w.Get(table);
        int width = (int)dims[1];
        return values.AsSpan((int)index * width, width).ToArray().Select(f => (double)f).ToArray();
    }

    private double[][] Dense(double[][] x, string prefix) => Linear(x, w[prefix + ".weight"], w[prefix + ".bias"]);

    private double[][] Norm(double[][] x, string prefix) =>
        LayerNorm(x, w[prefix + ".weight"], w[prefix + ".bias"], config.LayerNormEpsilon);
}
