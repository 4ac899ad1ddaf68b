using System.Collections.Concurrent;
using MlNetGraviton.Models;

namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>
/// Tiny src/Models graphs written once per test class: default weights (HF's 0.02 init, near-uniform attention) and
/// strong ones (Q/K std 0.3, random biases and norms) so attention, masks and every term matter. Encoders carry a
/// classification head in the strong variant, so both the head and the bare encoder are covered.
/// </summary>
public sealed class TransformerModelFiles : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ConcurrentDictionary<(TransformerArchitecture, bool), Lazy<(TransformerConfig, string)>> _built = new();

    public (TransformerConfig Config, string Path) Get(TransformerArchitecture arch, bool strong) =>
        _built.GetOrAdd((arch, strong), key => new Lazy<(TransformerConfig, string)>(() => Build(key.Item1, key.Item2))).Value;

    public string Folder => _folder.Path;

    private (TransformerConfig, string) Build(TransformerArchitecture arch, bool strong)
    {
        int labels = strong && arch != TransformerArchitecture.Gpt2 ? 3 : 0;
        TransformerConfig config = TransformerConfig.Create(arch, ModelSize.Tiny, numLabels: labels);
        if (strong)
            config = config with { InitStd = 0.1f, AttentionStd = 0.3f, RandomBiasesAndNorms = true };
        string path = _folder.File($"{config.Name}{(strong ? "-strong" : "")}.onnx");
        TransformerModelBuilder.Write(config, path, seed: 11);
        return (config, path);
    }

    public void Dispose() => _folder.Dispose();
}
