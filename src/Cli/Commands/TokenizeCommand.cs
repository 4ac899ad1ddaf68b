using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Cli.Commands;

/// <summary>
/// `tokenize`: one JSON line per input line with the ids, tokens and offsets (Unicode code points) of a Hugging
/// Face-exact tokenizer; special tokens added unless --no-special-tokens.
/// </summary>
internal static class TokenizeCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter diagnostics)
    {
        var cl = new CommandLineArgs(args, new HashSet<string> { "no-special-tokens", "cased", "jsonl" });
        string name = cl.Required("tokenizer", "t");
        string vocabDir = cl.Value("vocab") ?? Path.Combine(AppContext.BaseDirectory, "data", "vocab");
        bool cased = cl.Flag("cased");
        bool special = !cl.Flag("no-special-tokens");
        int maxTokens = cl.Int("max-tokens", int.MaxValue);
        bool jsonl = cl.Flag("jsonl");
        string input = cl.Value("input", "i") ?? "-";
        string? outputFile = cl.Value("output", "o");
        cl.EnsureAllRead(0);
        if (maxTokens < 2)
        {
            throw new UsageException($"--max-tokens must be at least 2, got {maxTokens}");
        }

        TransformerTokenizer tokenizer = Create(name, vocabDir, cased, diagnostics);
        var options = new TokenizeOptions { AddSpecialTokens = special, MaxTokens = maxTokens };
        using TextReader reader = input == "-" ? Console.In : new StreamReader(RequireFile(input, "input"), Encoding.UTF8);
        using TextWriter? file = outputFile is null ? null : new StreamWriter(outputFile, append: false, new UTF8Encoding(false));
        TextWriter writer = file ?? output;
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            string text = line;
            string? pair = null;
            if (jsonl)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                (text, pair) = ReadJsonLine(line, input, lineNumber);
            }

            writer.WriteLine(Format(tokenizer.Encode(text, pair, options), text, pair));
        }

        if (file is not null)
        {
            diagnostics.WriteLine($"tokenize: {lineNumber} line(s) written to {outputFile}");
        }

        return 0;
    }

    private static TransformerTokenizer Create(string name, string vocabDir, bool cased, TextWriter diagnostics)
    {
        string In(params string[] parts) => Path.Combine([vocabDir, .. parts]);
        switch (name)
        {
            case "bert-base-uncased":
                return TransformerTokenizer.CreateBert(RequireFile(In("bert-base-uncased", "vocab.txt"), "vocabulary"));
            case "bert-base-cased":
                if (File.Exists(In("bert-base-cased", "tokenizer.json")))
                {
                    return TransformerTokenizer.FromTokenizerJson(In("bert-base-cased", "tokenizer.json"));
                }

                if (File.Exists(In("bert-base-cased", "vocab.txt")))
                {
                    return TransformerTokenizer.CreateBert(In("bert-base-cased", "vocab.txt"), lowerCase: false);
                }

                diagnostics.WriteLine($"tokenize: no bert-base-cased vocabulary in {vocabDir}; using bert-base-uncased's vocab.txt with lower-casing "
                    + "and accent stripping off (the cased code path; ids are not bert-base-cased's)");
                return TransformerTokenizer.CreateBert(RequireFile(In("bert-base-uncased", "vocab.txt"), "vocabulary"), lowerCase: false);
            case "roberta-base":
                return File.Exists(In("roberta-base", "vocab.json"))
                    ? TransformerTokenizer.CreateByteLevelBpe(In("roberta-base", "vocab.json"), RequireFile(In("roberta-base", "merges.txt"), "merges"), roberta: true)
                    : TransformerTokenizer.CreateRoberta(
                        RequireFile(In("roberta-base", "encoder.json"), "vocabulary"), RequireFile(In("roberta-base", "vocab.bpe"), "merges"),
                        RequireFile(In("roberta-base", "dict.txt"), "dictionary"));
            case "gpt2":
                return TransformerTokenizer.CreateGpt2();
        }

        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return TransformerTokenizer.FromTokenizerJson(RequireFile(name, "tokenizer"));
        }

        if (name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            return TransformerTokenizer.CreateBert(RequireFile(name, "vocabulary"), lowerCase: !cased);
        }

        throw new UsageException($"unknown tokenizer '{name}' (bert-base-uncased, bert-base-cased, roberta-base, gpt2, a tokenizer.json or a vocab.txt)");
    }

    // Offsets in Unicode code points (a lone surrogate counts as one, as the reference sees it as U+FFFD).
    private static string Format(TokenEncoding encoding, string text, string? pair)
    {
        int[][] codePointOf = [CodePointIndex(text), CodePointIndex(pair ?? "")];
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("ids");
            foreach (int id in encoding.Ids)
            {
                json.WriteNumberValue(id);
            }

            json.WriteEndArray();
            json.WriteStartArray("tokens");
            foreach (string token in encoding.Tokens)
            {
                json.WriteStringValue(token);
            }

            json.WriteEndArray();
            json.WriteStartArray("offsets");
            for (int t = 0; t < encoding.Length; t++)
            {
                int[] map = codePointOf[Math.Max(encoding.SequenceIds[t], 0)];
                json.WriteStartArray();
                json.WriteNumberValue(map[encoding.Offsets[t].Start]);
                json.WriteNumberValue(map[encoding.Offsets[t].End]);
                json.WriteEndArray();
            }

            json.WriteEndArray();
            if (pair is not null)
            {
                json.WriteStartArray("type_ids");
                foreach (int type in encoding.TypeIds)
                {
                    json.WriteNumberValue(type);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static int[] CodePointIndex(string text)
    {
        var map = new int[text.Length + 1];
        int codePoint = 0;
        for (int i = 0; i < text.Length; i++)
        {
            map[i] = codePoint;
            if (!(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])))
            {
                codePoint++;
            }
        }

        map[text.Length] = codePoint;
        return map;
    }

    private static (string Text, string? Pair) ReadJsonLine(string line, string input, int lineNumber)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            string text = root.GetProperty("text").GetString() ?? throw new InvalidDataException($"{input}:{lineNumber}: \"text\" is null");
            string? pair = root.TryGetProperty("pair", out JsonElement p) ? p.GetString() : null;
            return (text, pair);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{input}:{lineNumber}: expected a JSON object with a \"text\" string (and optional \"pair\"): {e.Message}", e);
        }
    }

    private static string RequireFile(string path, string what) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{what} file not found: {path}", path);
}
