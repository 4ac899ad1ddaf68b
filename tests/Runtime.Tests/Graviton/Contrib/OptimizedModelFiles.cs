using System.Collections.Concurrent;
using MlNetGraviton.Models;

namespace MlNetGraviton.Runtime.Tests.Graviton.Contrib;

/// <summary>
/// Tiny src/Models graphs (BERT cased and uncased, RoBERTa, GPT-2; default and strong weights) and ONNX Runtime's
/// optimized form of each at a given level, written once per test class.
/// </summary>
public sealed class OptimizedModelFiles : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly ConcurrentDictionary<(string, GraphOptimization), Lazy<(TransformerConfig, string)>> _built = new();

    /// <summary>The variants: name → (architecture, cased, strong weights).</summary>
    public static IReadOnlyDictionary<string, (TransformerArchitecture Arch, bool Cased, bool Strong)> Variants { get; } =
        new Dictionary<string, (TransformerArchitecture, bool, bool)>
        {
            ["bert-uncased"] = (TransformerArchitecture.Bert, false, false),
            ["bert-cased-strong"] = (TransformerArchitecture.Bert, true, true),
            ["roberta"] = (TransformerArchitecture.Roberta, false, false),
            ["roberta-strong"] = (TransformerArchitecture.Roberta, false, true),
            ["gpt2"] = (TransformerArchitecture.Gpt2, false, false),
            ["gpt2-strong"] = (TransformerArchitecture.Gpt2, false, true),
        };

    public (TransformerConfig Config, string OptimizedPath) Get(string variant, GraphOptimization level) =>
        _built.GetOrAdd((variant, level), key => new Lazy<(TransformerConfig, string)>(() => Build(key.Item1, key.Item2))).Value;

    private (TransformerConfig, string) Build(string variant, GraphOptimization level)
    {
        var (arch, cased, strong) = Variants[variant];
        // Strong encoders carry a classification head, whose pooler ORT fuses into FusedGemm (Tanh).
        TransformerConfig config = TransformerConfig.Create(arch, ModelSize.Tiny, cased, numLabels: strong && arch != TransformerArchitecture.Gpt2 ? 3 : 0);
        if (strong)
            config = config with { InitStd = 0.1f, AttentionStd = 0.3f, RandomBiasesAndNorms = true };
        string raw = _folder.File($"{variant}-{level}.onnx");
        TransformerModelBuilder.Write(config, raw, seed: 5);
        string optimized = _folder.File($"{variant}-{level}.optimized.onnx");
        OrtReference.WriteOptimized(raw, optimized, level);
        return (config, optimized);
    }

    public void Dispose() => _folder.Dispose();
}
