using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace MlNetGraviton.Tokenization.Tests.Reference;

/// <summary>
/// Expected encodings from Hugging Face's tokenizers: runs tools/tokenizer-reference/reference.js (npm package
/// <c>tokenizers</c>, the Rust library's Node binding, installed by the test command with <c>npm ci</c>).
/// Results are cached per tokenizer, input and options for the test run.
/// </summary>
internal static class HuggingFaceReference
{
    public const string BertUncased = "bert-base-uncased";
    public const string BertCased = "bert-base-cased";
    public const string Roberta = "roberta-base";
    public const string Gpt2 = "gpt2";

    public static readonly string[] Names = [BertUncased, BertCased, Roberta, Gpt2];

    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<ReferenceEncoding>>> Cache = new();
    private static readonly ConcurrentDictionary<string, Lazy<string>> Saved = new();

    private static string ScriptDir => Path.Combine(RepositoryRoot.Path, "tools", "tokenizer-reference");

    /// <summary>HF's encodings of the texts (and pairs) by the named tokenizer (or a tokenizer.json path).</summary>
    public static IReadOnlyList<ReferenceEncoding> Encode(string tokenizer, IReadOnlyList<string> texts, IReadOnlyList<string>? pairs = null, string options = "{}")
    {
        var input = new StringBuilder();
        for (var i = 0; i < texts.Count; i++)
        {
            input.Append("{\"text\":").Append(JsonText.Escape(texts[i]));
            if (pairs is not null)
            {
                input.Append(",\"pair\":").Append(JsonText.Escape(pairs[i]));
            }

            input.Append("}\n");
        }

        var key = tokenizer + "\u0000" + options + "\u0000" + input;
        return Cache.GetOrAdd(key, _ => new Lazy<IReadOnlyList<ReferenceEncoding>>(() => Run(tokenizer, input.ToString(), options, texts.Count))).Value;
    }

    /// <summary>The tokenizer.json the reference runs for a name, written by the reference script (once per run).</summary>
    public static string TokenizerJson(string name) => Saved.GetOrAdd(name, n => new Lazy<string>(() =>
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("mlnetgraviton-ref-").FullName, n + ".tokenizer.json");
        Node(["save", n, path]);
        return path;
    })).Value;

    private static IReadOnlyList<ReferenceEncoding> Run(string tokenizer, string input, string options, int count)
    {
        var dir = Directory.CreateTempSubdirectory("mlnetgraviton-ref-").FullName;
        try
        {
            var inputFile = Path.Combine(dir, "in.jsonl");
            var optionsFile = Path.Combine(dir, "options.json");
            File.WriteAllText(inputFile, input, new UTF8Encoding(false));
            File.WriteAllText(optionsFile, options);
            var output = Node(["encode", tokenizer, inputFile, optionsFile]);
            var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToArray();
            Assert.True(rows.Length == count, $"reference.js returned {rows.Length} rows for {count} inputs");
            return rows;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Node(string[] args)
    {
        var script = Path.Combine(ScriptDir, "reference.js");
        if (!Directory.Exists(Path.Combine(ScriptDir, "node_modules", "tokenizers")))
        {
            Assert.Fail($"The Hugging Face reference is not installed ({Path.Combine(ScriptDir, "node_modules")} is missing): run the test command scripts/test.sh, which runs 'npm ci' in tools/tokenizer-reference.");
        }

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        start.ArgumentList.Add(script);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"node is not installed ({e.Message}): the tokenizer tests need Node.js; run the test command scripts/test.sh on a machine with node and npm.");
            throw;
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"reference.js {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
            return stdout;
        }
    }

    private static ReferenceEncoding Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.TryGetProperty("error", out var error))
        {
            return new ReferenceEncoding([], [], [], [], [], [], "", "", error.GetString());
        }

        int[] Ints(string name) => root.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();
        return new ReferenceEncoding(
            Ints("ids"), Ints("typeIds"), Ints("mask"), Ints("specialMask"),
            root.GetProperty("tokens").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            root.GetProperty("offsets").EnumerateArray().Select(e => (e[0].GetInt32(), e[1].GetInt32())).ToArray(),
            root.GetProperty("decoded").GetString()!, root.GetProperty("decodedAll").GetString()!, null);
    }
}
