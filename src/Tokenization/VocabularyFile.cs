namespace MlNetGraviton.Tokenization;

/// <summary>Checks shared by the vocabulary loaders, so every failure names the file.</summary>
internal static class VocabularyFile
{
    private static readonly string[] BertRequired = ["[CLS]", "[SEP]", "[PAD]", "[UNK]"];

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

    /// <summary>A BERT <c>vocab.txt</c>: id = line index, trailing whitespace trimmed, a later duplicate wins (as in HF).</summary>
    public static Dictionary<string, int> ReadBertVocab(string path)
    {
        RequireExisting(path, "vocabFile", "BERT vocabulary");
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var index = 0;
        foreach (var line in File.ReadLines(path))
        {
            var token = line.TrimEnd();
            if (token.Length > 0)
            {
                vocab[token] = index;
            }

            index++;
        }

        if (vocab.Count == 0)
        {
            throw Malformed(path, "BERT vocabulary", "it holds no tokens.");
        }

        var missing = BertRequired.Where(t => !vocab.ContainsKey(t)).ToArray();
        if (missing.Length > 0)
        {
            throw Malformed(path, "BERT vocabulary", $"it lacks the special token(s) {string.Join(", ", missing)}.");
        }

        return vocab;
    }
}
