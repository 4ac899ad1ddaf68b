using MlNetGraviton.Runtime;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Pipeline.Tests;

/// <summary>
/// The reference the pipeline is checked against: the ORT backend session run directly on one text at a time
/// (no padding), with pooling written out here.
/// </summary>
internal sealed class DirectReference : IDisposable
{
    private readonly IInferenceSession _session;
    private readonly TransformerTokenizer _tokenizer;

    public DirectReference(string modelFile, TransformerTokenizer tokenizer)
    {
        _session = InferenceSessionFactory.Create(modelFile, new InferenceOptions { Engine = InferenceEngine.OnnxRuntime });
        _tokenizer = tokenizer;
    }

    public void Dispose() => _session.Dispose();

    /// <summary>The named output for one text, with its shape.</summary>
    public (float[] Values, long[] Shape, int Tokens) Run(string text, string output)
    {
        var ids = _tokenizer.Encode(text).Select(i => (long)i).ToArray();
        var feeds = new Dictionary<string, Tensor>();
        foreach (var input in _session.Inputs)
        {
            var data = input.Name switch
            {
                "input_ids" => ids,
                "attention_mask" => Enumerable.Repeat(1L, ids.Length).ToArray(),
                _ => new long[ids.Length],
            };
            feeds[input.Name] = Tensor.Create(data, 1, ids.Length);
        }

        var result = _session.Run(feeds, [output])[output];
        return (result.AsSpan<float>().ToArray(), result.Shape, ids.Length);
    }

    public float[] MeanPooled(string text)
    {
        var (states, shape, tokens) = Run(text, "last_hidden_state");
        var hidden = (int)shape[2];
        var mean = new float[hidden];
        for (var i = 0; i < hidden; i++)
        {
            double sum = 0;
            for (var t = 0; t < tokens; t++)
            {
                sum += states[t * hidden + i];
            }

            mean[i] = (float)(sum / tokens);
        }

        return mean;
    }

    public float[] TokenState(string text, string output, Func<int, int> position)
    {
        var (values, shape, tokens) = Run(text, output);
        var width = (int)shape[2];
        return values.AsSpan(position(tokens) * width, width).ToArray();
    }

    /// <summary>Element-wise |e - a| ≤ 1e-6 + relative·|e|: small logits stay as sensitive as large states.</summary>
    public static void AssertClose(float[] expected, float[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var tolerance = 1e-6 + relative * Math.Abs(expected[i]);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"element {i}: expected {expected[i]}, got {actual[i]} (tolerance {tolerance})");
        }
    }
}
