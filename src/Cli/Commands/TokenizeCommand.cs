using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Cli.Commands;

/// <summary>
/// `tokenize`: one JSON line per input line with the ids, tokens, type ids, attention mask and offsets (Unicode code
/// points, special tokens [0,0]) of a Hugging Face-exact tokenizer; special tokens added unless --no-special-tokens.
/// Input ending in .jsonl (or with --jsonl): each line a JSON object with "text" and an optional "text_pair" ("pair" is
/// accepted too), written back with the encoding's fields added; any other input: each line is the text.
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
        int? maxLength = cl.Value("max-length") is not null ? cl.Int("max-length", 0) : null;
        int? maxTokens = cl.Value("max-tokens") is not null ? cl.Int("max-tokens", 0) : null;
        string? truncationName = cl.Value("truncation");
        bool jsonlFlag = cl.Flag("jsonl");
        string input = cl.Value("input", "i") ?? "-";
        string? outputFile = cl.Value("output", "o");
        cl.EnsureAllRead(0);
        if (maxLength is not null && maxTokens is not null)
        {
            throw new UsageException("give --max-length or its older name --max-tokens, not both");
        }

        int limit = maxLength ?? maxTokens ?? int.MaxValue;
        if (limit < 2)
        {
            throw new UsageException($"--{(maxTokens is not null ? "max-tokens" : "max-length")} must be at least 2, got {limit}");
        }

        TruncationStrategy truncation = truncationName switch
        {
            null or "longest_first" => TruncationStrategy.LongestFirst,
            "only_first" => TruncationStrategy.OnlyFirst,
            "only_second" => TruncationStrategy.OnlySecond,
            _ => throw new UsageException($"unknown --truncation '{truncationName}' (longest_first, only_first, only_second)"),
        };
        if (truncationName is not null && limit == int.MaxValue)
        {
            throw new UsageException("--truncation needs --max-length (without it nothing is truncated, as in Hugging Face)");
        }

        bool jsonl = jsonlFlag || input.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        TransformerTokenizer tokenizer = Create(name, vocabDir, cased, diagnostics);
        var options = new TokenizeOptions { AddSpecialTokens = special, MaxTokens = limit, Truncation = truncation };
        using TextReader reader = input == "-" ? Console.In : new StreamReader(RequireFile(input, "input"), Encoding.UTF8);
        using TextWriter? file = outputFile is null ? null : new StreamWriter(outputFile, append: false, new UTF8Encoding(false));
        TextWriter writer = file ?? output;
        int lineNumber = 0, written = 0;
        while (reader.ReadLine() is { } read)
        {
            lineNumber++;
            // Console.In keeps a UTF-8 byte order mark that a StreamReader over a file strips.
            string line = lineNumber == 1 && read.StartsWith('\uFEFF') ? read[1..] : read;
            string text = line;
            string? pair = null;
            JsonElement? source = null;
            JsonDocument? document = null;
            try
            {
                if (jsonl)
                {
                    if (line.Trim().Length == 0)
                    {
                        continue;
                    }

                    document = ReadJsonLine(line, input, lineNumber, out text, out pair);
                    source = document.RootElement;
                }

                TokenEncoding encoding;
                try
                {
                    encoding = tokenizer.Encode(text, pair, options);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidDataException($"{input}:{lineNumber}: {e.Message}", e);
                }

                writer.WriteLine(Format(encoding, text, pair, source));
                written++;
            }
            finally
            {
                document?.Dispose();
            }
        }

        if (file is not null)
        {
            diagnostics.WriteLine($"tokenize: {written} line(s) written to {outputFile}");
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

        if (Directory.Exists(name))
        {
            return FromFolder(name, cased);
        }

        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return TransformerTokenizer.FromTokenizerJson(RequireFile(name, "tokenizer"));
        }

        if (name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
        {
            return TransformerTokenizer.CreateBert(RequireFile(name, "vocabulary"), lowerCase: !cased);
        }

        throw new UsageException($"unknown tokenizer '{name}' (bert-base-uncased, bert-base-cased, roberta-base, gpt2, a tokenizer.json, a vocab.txt or a folder with one of them or vocab.json + merges.txt)");
    }

    /// <summary>
    /// A Hugging Face model folder: its tokenizer.json; else vocab.txt (BERT WordPiece, lower-cased unless its
    /// tokenizer_config.json says do_lower_case false or --cased is given, as transformers' BertTokenizer); else vocab.json
    /// + merges.txt (byte-level BPE: RoBERTa's &lt;s&gt; … &lt;/s&gt; template when the vocabulary has &lt;s&gt;, GPT-2's none otherwise).
    /// </summary>
    private static TransformerTokenizer FromFolder(string folder, bool cased)
    {
        string In(string file) => Path.Combine(folder, file);
        if (File.Exists(In("tokenizer.json")))
        {
            return TransformerTokenizer.FromTokenizerJson(In("tokenizer.json"));
        }

        if (File.Exists(In("vocab.txt")))
        {
            bool lowerCase = !cased;
            if (!cased && File.Exists(In("tokenizer_config.json")))
            {
                using JsonDocument config = ParseJsonFile(In("tokenizer_config.json"));
                if (config.RootElement.ValueKind == JsonValueKind.Object && config.RootElement.TryGetProperty("do_lower_case", out JsonElement lower)
                    && lower.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    lowerCase = lower.GetBoolean();
                }
            }

            return TransformerTokenizer.CreateBert(In("vocab.txt"), lowerCase);
        }

        if (File.Exists(In("vocab.json")) && File.Exists(In("merges.txt")))
        {
            bool roberta;
            using (JsonDocument vocab = ParseJsonFile(In("vocab.json")))
            {
                roberta = vocab.RootElement.ValueKind == JsonValueKind.Object && vocab.RootElement.TryGetProperty("<s>", out _);
            }

            return TransformerTokenizer.CreateByteLevelBpe(In("vocab.json"), In("merges.txt"), roberta);
        }

        throw new FileNotFoundException($"tokenizer folder {folder} has no tokenizer.json, vocab.txt, or vocab.json with merges.txt", folder);
    }

    // Offsets in Unicode code points (a lone surrogate counts as one, as the reference sees it as U+FFFD).
    private static string Format(TokenEncoding encoding, string text, string? pair, JsonElement? source)
    {
        int[][] codePointOf = [CodePointIndex(text), CodePointIndex(pair ?? "")];
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (source is { } fields)
            {
                // The input line's own fields first (text, text_pair, ids of the caller's...), except those written below.
                foreach (JsonProperty property in fields.EnumerateObject())
                {
                    if (property.Name is not ("ids" or "tokens" or "type_ids" or "attention_mask" or "offsets"))
                    {
                        property.WriteTo(json);
                    }
                }
            }

            WriteInts(json, "ids", encoding.Ids);
            json.WriteStartArray("tokens");
            foreach (string token in encoding.Tokens)
            {
                json.WriteStringValue(token);
            }

            json.WriteEndArray();
            WriteInts(json, "type_ids", encoding.TypeIds);
            WriteInts(json, "attention_mask", encoding.AttentionMask);
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
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteInts(Utf8JsonWriter json, string name, int[] values)
    {
        json.WriteStartArray(name);
        foreach (int value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
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

    private static JsonDocument ReadJsonLine(string line, string input, int lineNumber, out string text, out string? pair)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{input}:{lineNumber}: not a JSON object: {e.Message}", e);
        }

        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("text", out JsonElement t) || t.ValueKind != JsonValueKind.String)
        {
            document.Dispose();
            throw new InvalidDataException($"{input}:{lineNumber}: expected a JSON object with a \"text\" string (and an optional \"text_pair\")");
        }

        pair = null;
        string field = "text";
        try
        {
            text = t.GetString()!;
            foreach (string key in new[] { "text_pair", "pair" })
            {
                if (root.TryGetProperty(key, out JsonElement p) && p.ValueKind != JsonValueKind.Null)
                {
                    field = key;
                    if (p.ValueKind != JsonValueKind.String)
                    {
                        throw new InvalidDataException($"{input}:{lineNumber}: \"{key}\" must be a string");
                    }

                    pair = p.GetString();
                    break;
                }
            }
        }
        catch (InvalidOperationException e)
        {
            // JSON escapes that are not text (a lone surrogate such as \ud800) parse but do not read as a .NET string.
            document.Dispose();
            throw new InvalidDataException($"{input}:{lineNumber}: \"{field}\" is not valid text: {e.Message}", e);
        }
        catch
        {
            document.Dispose();
            throw;
        }

        return document;
    }

    private static JsonDocument ParseJsonFile(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    private static string RequireFile(string path, string what) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{what} file not found: {path}", path);
}
