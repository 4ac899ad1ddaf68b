using MlNetGraviton.Models.Weights;
using Onnx;
using static MlNetGraviton.Models.Graph.OnnxGraphWriter;

namespace MlNetGraviton.Models.Graph;

/// <summary>
/// The op patterns a PyTorch / Hugging Face export produces for the pieces BERT, RoBERTa and GPT-2 share.
/// Linear weights are stored [in, out], as the export's constant folding of the transposed nn.Linear weight leaves them.
/// </summary>
internal sealed class TransformerOps(OnnxGraphWriter g, TransformerConfig config)
{
    private float BiasStd => config.RandomBiasesAndNorms ? 0.1f : 0f;

    /// <summary>MatMul by W [in, out] then Add of b [out].</summary>
    public string Linear(string scope, string x, string prefix, int inFeatures, int outFeatures, WeightInit weightInit)
    {
        string w = g.Weight(prefix + ".weight", [inFeatures, outFeatures], weightInit);
        string b = g.Weight(prefix + ".bias", [outFeatures], new WeightInit(0f, BiasStd));
        string product = g.Op(scope, "MatMul", [x, w]);
        return g.Op(scope, "Add", [b, product]);
    }

    public string LayerNorm(string scope, string x, string prefix)
    {
        string gamma = g.Weight(prefix + ".weight", [config.Hidden], new WeightInit(1f, BiasStd));
        string beta = g.Weight(prefix + ".bias", [config.Hidden], new WeightInit(0f, BiasStd));
        return g.Op(scope, "LayerNormalization", [x, gamma, beta], Attr("axis", -1L), Attr("epsilon", (float)config.LayerNormEpsilon));
    }

    /// <summary>HF's extended mask: attention_mask[:, None, None, :] as float, then (1 - m) * float.MinValue.</summary>
    public string AdditiveAttentionMask(string attentionMask)
    {
        const string scope = "/ExtendedMask";
        string unsqueezed = g.Op(scope, "Unsqueeze", [attentionMask, g.Int64s(1, 2)]);
        string asFloat = g.Op(scope, "Cast", [unsqueezed], Attr("to", (long)TensorProto.Types.DataType.Float));
        string inverted = g.Op(scope, "Sub", [g.FloatScalar(1f), asFloat]);
        return g.Op(scope, "Mul", [inverted, g.FloatScalar(float.MinValue)]);
    }

    /// <summary>
    /// Multi-head attention from projected q, k, v [b, s, hidden]: heads split by Reshape(0, 0, heads, headDim) and Transpose,
    /// scores Q·Kᵀ / sqrt(headDim), optional causal Where, additive mask, Softmax(-1), ·V, then back to [b, s, hidden].
    /// </summary>
    public string Attention(string scope, string q, string k, string v, string additiveMask, string? causalMask = null)
    {
        string headShape = g.Int64s(0, 0, config.Heads, config.HeadDim);
        string qh = g.Op(scope, "Transpose", [g.Op(scope, "Reshape", [q, headShape])], Attr("perm", new long[] { 0, 2, 1, 3 }));
        string kt = g.Op(scope, "Transpose", [g.Op(scope, "Reshape", [k, headShape])], Attr("perm", new long[] { 0, 2, 3, 1 }));
        string vh = g.Op(scope, "Transpose", [g.Op(scope, "Reshape", [v, headShape])], Attr("perm", new long[] { 0, 2, 1, 3 }));

        string scores = g.Op(scope, "MatMul", [qh, kt]);
        scores = g.Op(scope, "Div", [scores, g.FloatScalar(MathF.Sqrt(config.HeadDim))]);
        if (causalMask is not null)
            scores = g.Op(scope, "Where", [causalMask, scores, g.FloatScalar(float.MinValue)]);
        scores = g.Op(scope, "Add", [scores, additiveMask]);
        string probabilities = g.Op(scope, "Softmax", [scores], Attr("axis", -1L));

        string context = g.Op(scope, "MatMul", [probabilities, vh]);
        context = g.Op(scope, "Transpose", [context], Attr("perm", new long[] { 0, 2, 1, 3 }));
        return g.Op(scope, "Reshape", [context, g.Int64s(0, 0, config.Hidden)]);
    }

    /// <summary>BERT's exact GELU: x * 0.5 * (1 + erf(x / sqrt(2))).</summary>
    public string GeluErf(string scope, string x)
    {
        string scaled = g.Op(scope, "Div", [x, g.FloatScalar(MathF.Sqrt(2f))]);
        string erf = g.Op(scope, "Erf", [scaled]);
        string onePlus = g.Op(scope, "Add", [erf, g.FloatScalar(1f)]);
        string timesX = g.Op(scope, "Mul", [x, onePlus]);
        return g.Op(scope, "Mul", [timesX, g.FloatScalar(0.5f)]);
    }

    /// <summary>GPT-2's gelu_new: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))).</summary>
    public string GeluTanh(string scope, string x)
    {
        string cube = g.Op(scope, "Pow", [x, g.FloatScalar(3f)]);
        string cubeScaled = g.Op(scope, "Mul", [g.FloatScalar(0.044715f), cube]);
        string inner = g.Op(scope, "Add", [x, cubeScaled]);
        string scaled = g.Op(scope, "Mul", [g.FloatScalar(MathF.Sqrt(2f / MathF.PI)), inner]);
        string tanh = g.Op(scope, "Tanh", [scaled]);
        string onePlus = g.Op(scope, "Add", [g.FloatScalar(1f), tanh]);
        string half = g.Op(scope, "Mul", [g.FloatScalar(0.5f), x]);
        return g.Op(scope, "Mul", [half, onePlus]);
    }

    /// <summary>sequence_length of a [b, s] input as a scalar: Shape, Gather(1).</summary>
    public string SequenceLength(string scope, string batchBySequence)
    {
        string shape = g.Op(scope, "Shape", [batchBySequence]);
        return g.Op(scope, "Gather", [shape, g.Int64Scalar(1)], Attr("axis", 0L));
    }

    /// <summary>Token 0 of every row: [b, s, h] to [b, h] (CLS for BERT, &lt;s&gt; for RoBERTa).</summary>
    public string FirstToken(string scope, string hidden) =>
        g.Op(scope, "Gather", [hidden, g.Int64Scalar(0)], Attr("axis", 1L));
}
