using System.Globalization;
using System.Text;

namespace MlNetGraviton.Models;

/// <summary>
/// Built models on disk, keyed by config and seed. Files are written to a temporary name in the same folder
/// and renamed into place, so concurrent processes never see a partial file.
/// </summary>
public static class ModelCache
{
    public const string EnvironmentVariable = "MLNETGRAVITON_CACHE";

    /// <summary>$MLNETGRAVITON_CACHE, or ~/.cache/mlnetgraviton.</summary>
    public static string Directory
    {
        get
        {
            string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return string.IsNullOrWhiteSpace(fromEnvironment)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mlnetgraviton")
                : fromEnvironment;
        }
    }

    /// <summary>The cached file's name, e.g. "bert-base-uncased-seed42-1a2b3c4d.onnx" (the hash covers every config field).</summary>
    public static string FileName(TransformerConfig config, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(config);
        string labels = config.NumLabels > 0 ? $"-cls{config.NumLabels}" : "";
        ulong hash = Fnv1a($"{TransformerModelBuilder.FormatVersion}|{config.CanonicalText}");
        return string.Create(CultureInfo.InvariantCulture, $"{config.Name}{labels}-seed{seed}-{hash & 0xFFFFFFFF:x8}.onnx");
    }

    /// <summary>Path of the model's .onnx in <see cref="Directory"/>, building it first if it is missing.</summary>
    public static string GetOrBuild(TransformerConfig config, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        string folder = Directory;
        string path = Path.Combine(folder, FileName(config, seed));
        if (File.Exists(path))
            return path;

        System.IO.Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            TransformerModelBuilder.Write(config, temporary, seed);
            // Another process may have finished the same file meanwhile; its bytes are identical, so replacing is harmless.
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
        return path;
    }

    private static ulong Fnv1a(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
