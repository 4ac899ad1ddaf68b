using System.Text.Json;
using MlNetGraviton.Tokenization.Bert;
using MlNetGraviton.Tokenization.Bpe;
using MlNetGraviton.Tokenization.Processing;

namespace MlNetGraviton.Tokenization;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c>: a WordPiece model (BertNormalizer, BertPreTokenizer) or a byte-level BPE
/// model (ByteLevel pre-tokenizer; merges as <c>"a b"</c> strings or <c>["a", "b"]</c> pairs), the post-processor
/// (TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel), added tokens, truncation and padding.
/// Anything else is refused with a message naming the block, rather than encoded differently from the reference.
/// </summary>
internal static class TokenizerJson
{
    private const string What = "tokenizer.json";

    public static TransformerTokenizer Load(string path, int? maxTokens)
    {
        VocabularyFile.RequireExisting(path, nameof(path), What);
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw VocabularyFile.Malformed(path, What, $"not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            try
            {
                return Build(path, document.RootElement, maxTokens);
            }
            catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException)
            {
                throw VocabularyFile.Malformed(path, What, e.Message, e);
            }
        }
    }

    private static TransformerTokenizer Build(string path, JsonElement root, int? maxTokens)
    {
        var model = Object(root, "model") ?? throw VocabularyFile.Malformed(path, What, "it has no \"model\" block.");
        var added = new List<AddedToken>();
        if (Object(root, "added_tokens") is { ValueKind: JsonValueKind.Array } addedArray)
        {
            foreach (var t in addedArray.EnumerateArray())
            {
                added.Add(new AddedToken(
                    t.GetProperty("content").GetString()!, t.GetProperty("id").GetInt32(), Bool(t, "special", false),
                    Bool(t, "lstrip", false), Bool(t, "rstrip", false), Bool(t, "single_word", false), Bool(t, "normalized", false)));
            }
        }

        var type = String(model, "type");
        HuggingFaceTokenizer tokenizer = type switch
        {
            "WordPiece" => WordPiece(path, root, model, added),
            "BPE" => ByteLevelBpe(path, root, model, added),
            _ => throw new NotSupportedException($"{What} '{path}': model type '{type ?? "(none)"}' is not supported (WordPiece and BPE are)."),
        };

        var template = PostProcessor(path, Object(root, "post_processor"), tokenizer);
        var defaults = TokenizeOptions.Default;
        var limit = maxTokens ?? 512;
        if (Object(root, "truncation") is { ValueKind: JsonValueKind.Object } truncation)
        {
            limit = maxTokens ?? truncation.GetProperty("max_length").GetInt32();
            defaults = defaults with
            {
                Truncation = String(truncation, "strategy") switch
                {
                    "OnlyFirst" => TruncationStrategy.OnlyFirst,
                    "OnlySecond" => TruncationStrategy.OnlySecond,
                    _ => TruncationStrategy.LongestFirst,
                },
                TruncationSide = String(truncation, "direction") == "Left" ? TruncationSide.Left : TruncationSide.Right,
            };
        }

        var padId = tokenizer.TokenToId("[PAD]") ?? tokenizer.TokenToId("<pad>") ?? tokenizer.TokenToId("<|endoftext|>") ?? 0;
        if (Object(root, "padding") is { ValueKind: JsonValueKind.Object } padding)
        {
            padId = padding.TryGetProperty("pad_id", out var p) ? p.GetInt32() : padId;
            defaults = defaults with { PaddingSide = String(padding, "direction") == "Left" ? PaddingSide.Left : PaddingSide.Right };
        }

        return new TransformerTokenizer(tokenizer, template, Math.Max(limit, 2), padId, defaults);
    }

    private static WordPieceTokenizer WordPiece(string path, JsonElement root, JsonElement model, List<AddedToken> added)
    {
        BertNormalizerOptions? normalizer = null;
        if (Object(root, "normalizer") is { ValueKind: JsonValueKind.Object } n)
        {
            if (String(n, "type") != "BertNormalizer")
            {
                throw new NotSupportedException($"{What} '{path}': normalizer '{String(n, "type")}' is not supported with WordPiece (BertNormalizer is).");
            }

            normalizer = new BertNormalizerOptions
            {
                CleanText = Bool(n, "clean_text", true),
                HandleChineseChars = Bool(n, "handle_chinese_chars", true),
                StripAccents = n.TryGetProperty("strip_accents", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False ? s.GetBoolean() : null,
                Lowercase = Bool(n, "lowercase", true),
            };
        }

        var pre = Object(root, "pre_tokenizer");
        if (pre is not { ValueKind: JsonValueKind.Object } || String(pre.Value, "type") != "BertPreTokenizer")
        {
            throw new NotSupportedException($"{What} '{path}': WordPiece needs the BertPreTokenizer pre-tokenizer, found '{(pre is { ValueKind: JsonValueKind.Object } p ? String(p, "type") : "none")}'.");
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            vocab[entry.Name] = entry.Value.GetInt32();
        }

        var prefix = String(model, "continuing_subword_prefix") ?? "##";
        var decoderCleanup = Object(root, "decoder") is { ValueKind: JsonValueKind.Object } d && String(d, "type") == "WordPiece" ? Bool(d, "cleanup", true) : true;
        try
        {
            return new WordPieceTokenizer(vocab, normalizer, added, String(model, "unk_token") ?? "[UNK]", prefix,
                model.TryGetProperty("max_input_chars_per_word", out var m) ? m.GetInt32() : 100) { DecoderCleanup = decoderCleanup };
        }
        catch (ArgumentException e)
        {
            throw VocabularyFile.Malformed(path, What, e.Message, e);
        }
    }

    private static ByteLevelBpeTokenizer ByteLevelBpe(string path, JsonElement root, JsonElement model, List<AddedToken> added)
    {
        if (Object(root, "normalizer") is { ValueKind: JsonValueKind.Object } n)
        {
            throw new NotSupportedException($"{What} '{path}': normalizer '{String(n, "type")}' is not supported with byte-level BPE (none is).");
        }

        var pre = Object(root, "pre_tokenizer");
        if (pre is not { ValueKind: JsonValueKind.Object } p || String(p, "type") != "ByteLevel" || Bool(p, "add_prefix_space", true) || !Bool(p, "use_regex", true))
        {
            throw new NotSupportedException($"{What} '{path}': BPE is supported with the ByteLevel pre-tokenizer (add_prefix_space false, use_regex true) only.");
        }

        if (!string.IsNullOrEmpty(String(model, "continuing_subword_prefix")) || !string.IsNullOrEmpty(String(model, "end_of_word_suffix"))
            || Bool(model, "byte_fallback", false) || (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number))
        {
            throw new NotSupportedException($"{What} '{path}': BPE with a subword prefix/suffix, byte fallback or dropout is not supported.");
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in model.GetProperty("vocab").EnumerateObject())
        {
            vocab[entry.Name] = entry.Value.GetInt32();
        }

        var merges = new List<(string, string)>();
        var index = 0;
        foreach (var merge in model.GetProperty("merges").EnumerateArray())
        {
            index++;
            if (merge.ValueKind == JsonValueKind.String)
            {
                var parts = merge.GetString()!.Split(' ');
                merges.Add(parts.Length == 2 ? (parts[0], parts[1]) : throw VocabularyFile.Malformed(path, What, $"merge {index} is '{merge.GetString()}', expected 'left right'."));
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2)
            {
                merges.Add((merge[0].GetString()!, merge[1].GetString()!));
            }
            else
            {
                throw VocabularyFile.Malformed(path, What, $"merge {index} is neither a \"left right\" string nor a [left, right] pair.");
            }
        }

        try
        {
            return new ByteLevelBpeTokenizer(vocab, merges, added, $"'{path}'");
        }
        catch (InvalidDataException e)
        {
            throw VocabularyFile.Malformed(path, What, e.Message, e);
        }
    }

    private static TemplatePostProcessor PostProcessor(string path, JsonElement? block, HuggingFaceTokenizer tokenizer)
    {
        if (block is not { ValueKind: JsonValueKind.Object } p)
        {
            return TemplatePostProcessor.Plain();
        }

        switch (String(p, "type"))
        {
            case "BertProcessing":
                return TemplatePostProcessor.Bert(p.GetProperty("cls")[1].GetInt32(), p.GetProperty("sep")[1].GetInt32());
            case "RobertaProcessing":
                return TemplatePostProcessor.Roberta(p.GetProperty("cls")[1].GetInt32(), p.GetProperty("sep")[1].GetInt32(), Bool(p, "trim_offsets", true), Bool(p, "add_prefix_space", true));
            case "ByteLevel":
                return TemplatePostProcessor.Plain(Bool(p, "trim_offsets", true), Bool(p, "add_prefix_space", true));
            case "TemplateProcessing":
                var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
                if (Object(p, "special_tokens") is { ValueKind: JsonValueKind.Object } map)
                {
                    foreach (var entry in map.EnumerateObject())
                    {
                        specials[entry.Name] = entry.Value.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray();
                    }
                }

                return new TemplatePostProcessor(Template(path, p.GetProperty("single"), specials, tokenizer), Template(path, p.GetProperty("pair"), specials, tokenizer));
            default:
                throw new NotSupportedException($"{What} '{path}': post-processor '{String(p, "type")}' is not supported (TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel are).");
        }
    }

    private static TemplatePiece[] Template(string path, JsonElement pieces, Dictionary<string, int[]> specials, HuggingFaceTokenizer tokenizer)
    {
        var result = new List<TemplatePiece>();
        foreach (var piece in pieces.EnumerateArray())
        {
            if (piece.TryGetProperty("Sequence", out var sequence))
            {
                result.Add(TemplatePiece.Sequence(String(sequence, "id") == "B" ? 1 : 0, sequence.GetProperty("type_id").GetInt32()));
            }
            else if (piece.TryGetProperty("SpecialToken", out var special))
            {
                var id = String(special, "id")!;
                var ids = specials.TryGetValue(id, out var listed) ? listed
                    : tokenizer.TokenToId(id) is { } single ? [single]
                    : throw VocabularyFile.Malformed(path, What, $"the template's special token '{id}' has no id.");
                result.Add(TemplatePiece.Special(ids, special.GetProperty("type_id").GetInt32()));
            }
        }

        return result.ToArray();
    }

    private static JsonElement? Object(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? String(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool Bool(JsonElement element, string name, bool fallback)
        => element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;
}
