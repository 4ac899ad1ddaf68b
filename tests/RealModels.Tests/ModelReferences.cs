using MlNetGraviton.Cli.RealModels;
using MlNetGraviton.Models.Catalog;

namespace MlNetGraviton.RealModels.Tests;

/// <summary>Per model, computed once: its files, the texts, Hugging Face's ids and the sentence-transformers reference vectors.</summary>
public sealed class ModelReferences
{
    private readonly Dictionary<string, Lazy<Reference>> _references;

    public ModelReferences()
    {
        (Script, SkipReason) = HuggingFaceReference.Locate();
        _references = PretrainedModelCatalog.All.ToDictionary(m => m.Name, m => new Lazy<Reference>(() => Compute(m)));
    }

    public string? Script { get; }

    public string SkipReason { get; }

    internal IReadOnlyList<string> Texts { get; } = RealTexts.Load();

    internal Reference For(PretrainedModel model) => _references[model.Name].Value;

    private Reference Compute(PretrainedModel model)
    {
        PretrainedModelFiles files = PackagedModels.GetFiles(model);
        long[][] ids = HuggingFaceReference.EncodeBertUncased(Script!, Texts, model.MaxTokens);
        using var ort = new OrtSentenceReference(files.ModelFile, model);
        float[][] vectors = ids.Select(ort.Embed).ToArray();
        return new Reference(files, ids, vectors);
    }

    internal sealed record Reference(PretrainedModelFiles Files, long[][] HuggingFaceIds, float[][] Vectors);
}
