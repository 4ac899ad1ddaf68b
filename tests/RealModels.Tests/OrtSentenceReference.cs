using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MlNetGraviton.Models.Catalog;

namespace MlNetGraviton.RealModels.Tests;

/// <summary>
/// What Python sentence-transformers computes, built here independently of the project's pipeline: given token ids,
/// ONNX Runtime on the exported graph one text at a time (no padding), then pooling and L2 in double precision.
/// </summary>
internal sealed class OrtSentenceReference : IDisposable
{
    private readonly InferenceSession _session;
    private readonly PretrainedModel _model;

    public OrtSentenceReference(string modelFile, PretrainedModel model)
    {
        _session = new InferenceSession(modelFile);
        _model = model;
    }

    public float[] Embed(long[] ids)
    {
        int n = ids.Length;
        var shape = new[] { 1, n };
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(Enumerable.Repeat(1L, n).ToArray(), shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[n], shape)),
        };
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = _session.Run(inputs, ["last_hidden_state"]);
        var states = (DenseTensor<float>)results.Single().AsTensor<float>();
        int width = states.Dimensions[2];
        var pooled = new double[width];
        if (_model.Pooling == EmbeddingPooling.Cls)
        {
            for (int i = 0; i < width; i++)
                pooled[i] = states[0, 0, i];
        }
        else
        {
            for (int t = 0; t < n; t++)
            {
                for (int i = 0; i < width; i++)
                    pooled[i] += states[0, t, i];
            }
            for (int i = 0; i < width; i++)
                pooled[i] /= n;
        }
        double norm = _model.Normalize ? Math.Max(Math.Sqrt(pooled.Sum(v => v * v)), 1e-12) : 1;
        return pooled.Select(v => (float)(v / norm)).ToArray();
    }

    public void Dispose() => _session.Dispose();

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
