using System.Collections.Concurrent;
using Google.Protobuf;
using Onnx;

namespace MlNetGraviton.Models.Tests;

/// <summary>Tiny configs the tests share, each built once per test run.</summary>
internal static class TestModels
{
    private static readonly ConcurrentDictionary<(TransformerConfig, int), Lazy<(ModelProto Model, byte[] Bytes)>> Built = new();

    /// <summary>Defaults: HF's std 0.02 init, where attention is close to uniform.</summary>
    public static TransformerConfig Default(TransformerArchitecture arch, int numLabels = 0) =>
        TransformerConfig.Create(arch, ModelSize.Tiny, numLabels: numLabels);

    /// <summary>Q/K std 0.3 and larger other weights with random biases and norms, so attention is sharp and every term matters.</summary>
    public static TransformerConfig Strong(TransformerArchitecture arch, int numLabels = 0) =>
        Default(arch, numLabels) with { InitStd = 0.1f, AttentionStd = 0.3f, RandomBiasesAndNorms = true };

    public static (ModelProto Model, byte[] Bytes) Get(TransformerConfig config, int seed = 42) =>
        Built.GetOrAdd((config, seed), key => new Lazy<(ModelProto, byte[])>(() =>
        {
            var model = TransformerModelBuilder.Build(key.Item1, key.Item2);
            return (model, model.ToByteArray());
        })).Value;
}
