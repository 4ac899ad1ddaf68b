namespace MlNetGraviton.Tokenization.Tests.Reference;

/// <summary>The committed test corpus (Corpus/corpus.jsonl, see Corpus/README.md): category and text of each line.</summary>
internal static class Corpus
{
    private static readonly Lazy<IReadOnlyList<(string Category, string Text)>> Lines = new(Read);

    public static string FilePath => System.IO.Path.Combine(RepositoryRoot.Path, "tests", "Tokenization.Tests", "Corpus", "corpus.jsonl");

    public static IReadOnlyList<(string Category, string Text)> All => Lines.Value;

    public static IReadOnlyList<string> Texts => All.Select(l => l.Text).ToArray();

    private static IReadOnlyList<(string, string)> Read()
    {
        var lines = new List<(string, string)>();
        foreach (var line in File.ReadLines(FilePath))
        {
            if (line.Length == 0)
            {
                continue;
            }

            // {"category":"...","text":"..."}
            var category = JsonText.ReadString(line, line.IndexOf(':', StringComparison.Ordinal) + 1, out var end);
            var text = JsonText.ReadString(line, line.IndexOf(':', end) + 1, out _);
            lines.Add((category, text));
        }

        return lines;
    }
}
