using System.Diagnostics;
using System.Text.Json;

namespace MlNetGraviton.RealModels.Tests;

/// <summary>
/// Token ids from Hugging Face's tokenizers (the Rust library through its npm binding), run by the repository's
/// committed reference script: the ids Python sentence-transformers would feed the graph.
/// </summary>
internal static class HuggingFaceReference
{
    /// <summary>The script, or null with the reason it cannot run here.</summary>
    public static (string? Script, string Reason) Locate()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string script = Path.Combine(dir.FullName, "tools", "tokenizer-reference", "reference.js");
            if (!File.Exists(script))
                continue;
            if (!Directory.Exists(Path.Combine(dir.FullName, "tools", "tokenizer-reference", "node_modules", "tokenizers")))
                return (null, "the npm 'tokenizers' package is not installed: run 'npm ci' in tools/tokenizer-reference (the test command does)");
            return (script, "");
        }
        return (null, "tools/tokenizer-reference/reference.js was not found above the test binaries");
    }

    /// <summary>bert-base-uncased ids of each text with [CLS]/[SEP], truncated to <paramref name="maxLength"/> as sentence-transformers does.</summary>
    public static long[][] EncodeBertUncased(string script, IReadOnlyList<string> texts, int maxLength)
    {
        string folder = Directory.CreateTempSubdirectory("mlnetgraviton-hf-").FullName;
        try
        {
            string input = Path.Combine(folder, "in.jsonl");
            string options = Path.Combine(folder, "options.json");
            File.WriteAllLines(input, texts.Select(t => JsonSerializer.Serialize(new { text = t })));
            File.WriteAllText(options, JsonSerializer.Serialize(new { addSpecialTokens = true, truncation = new { maxLength, strategy = "LongestFirst" } }));
            var start = new ProcessStartInfo("node", [script, "encode", "bert-base-uncased", input, options])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            var rows = new List<long[]>();
            while (process.StandardOutput.ReadLine() is { } line)
            {
                if (line.Length == 0)
                    continue;
                using JsonDocument doc = JsonDocument.Parse(line);
                rows.Add(doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64()).ToArray());
            }
            process.WaitForExit();
            if (process.ExitCode != 0 || rows.Count != texts.Count)
                throw new InvalidOperationException($"reference.js exited {process.ExitCode} with {rows.Count} of {texts.Count} rows: {stderr.Result}");
            return rows.ToArray();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
