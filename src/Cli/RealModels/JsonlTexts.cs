using System.Text.Json;

namespace MlNetGraviton.Cli.RealModels;

/// <summary>Streams the "text" of each line of a JSONL file; blank lines are skipped, anything else malformed is an error naming the line.</summary>
public static class JsonlTexts
{
    public static IEnumerable<string> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"input file not found: {path}", path);
        return ReadExisting(path);
    }

    private static IEnumerable<string> ReadExisting(string path)
    {
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            yield return TextOf(line, path, lineNumber);
        }
    }

    private static string TextOf(string line, string path, int lineNumber)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}:{lineNumber}: not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException($"{path}:{lineNumber}: expected a JSON object with \"text\", got a {document.RootElement.ValueKind}");
            if (!document.RootElement.TryGetProperty("text", out JsonElement text))
                throw new FormatException($"{path}:{lineNumber}: the object has no \"text\" property");
            if (text.ValueKind != JsonValueKind.String)
                throw new FormatException($"{path}:{lineNumber}: \"text\" must be a string, got {text.ValueKind}");
            return text.GetString()!;
        }
    }
}
