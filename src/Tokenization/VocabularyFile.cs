namespace MlNetGraviton.Tokenization;

/// <summary>Checks shared by the vocabulary loaders, so every failure names the file.</summary>
internal static class VocabularyFile
{
    public static string RequireExisting(string path, string parameterName, string what)
    {
        ArgumentNullException.ThrowIfNull(path, parameterName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The {what} file '{path}' does not exist.", path);
        }

        return path;
    }

    public static InvalidDataException Malformed(string path, string what, string problem, Exception? inner = null)
        => new($"The {what} file '{path}' is malformed: {problem}", inner);
}
