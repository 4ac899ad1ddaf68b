using System.Runtime.CompilerServices;
using System.Text;
using MlNetGraviton.Tokenization.Bert;
using MlNetGraviton.Tokenization.Processing;

namespace MlNetGraviton.Tokenization;

/// <summary>
/// BERT's tokenizer, exact to Hugging Face's: <c>BertNormalizer</c> (clean text, CJK spacing, NFD accent stripping,
/// lower-casing), <c>BertPreTokenizer</c> (split on whitespace, isolate punctuation) and WordPiece (greedy
/// longest-match-first, <c>##</c> continuations, words over <see cref="MaxInputCharsPerWord"/> code points become
/// <c>[UNK]</c>), fused into one pass over the UTF-16 text. A lone surrogate reads as U+FFFD, as HF receives it.
/// </summary>
public sealed class WordPieceTokenizer : HuggingFaceTokenizer
{
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _starts;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuations;
    private readonly string[] _tokens;
    private readonly int _maxStartLength;
    private readonly int _maxContinuationLength;
    private readonly bool _clean;
    private readonly bool _chinese;
    private readonly byte _mapFlag;

    internal WordPieceTokenizer(
        Dictionary<string, int> vocab, BertNormalizerOptions? normalizer, IEnumerable<AddedToken> addedTokens,
        string unknownToken = "[UNK]", string continuingSubwordPrefix = "##", int maxInputCharsPerWord = 100)
        : base(addedTokens)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        if (!vocab.TryGetValue(unknownToken, out var unknownId))
        {
            throw new ArgumentException($"The vocabulary has no unknown token '{unknownToken}'.", nameof(vocab));
        }

        _vocab = vocab;
        UnknownTokenId = unknownId;
        UnknownToken = unknownToken;
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        MaxInputCharsPerWord = maxInputCharsPerWord;
        NormalizerOptions = normalizer;
        _clean = normalizer?.CleanText ?? false;
        _chinese = normalizer?.HandleChineseChars ?? false;
        _mapFlag = normalizer is null ? (byte)0
            : normalizer.Lowercase ? (normalizer.StripsAccents ? BertCharTable.MapsUncased : BertCharTable.MapsLower)
            : (normalizer.StripsAccents ? BertCharTable.MapsStrip : (byte)0);

        var continuations = new Dictionary<string, int>(StringComparer.Ordinal);
        var size = vocab.Count == 0 ? 0 : vocab.Values.Max() + 1;
        _tokens = new string[size];
        foreach (var (token, id) in vocab)
        {
            _tokens[id] = token;
            _maxStartLength = Math.Max(_maxStartLength, token.Length);
            if (continuingSubwordPrefix.Length > 0 && token.StartsWith(continuingSubwordPrefix, StringComparison.Ordinal) && token.Length > continuingSubwordPrefix.Length)
            {
                var rest = token[continuingSubwordPrefix.Length..];
                continuations[rest] = id;
                _maxContinuationLength = Math.Max(_maxContinuationLength, rest.Length);
            }
        }

        _starts = vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuations = continuations.GetAlternateLookup<ReadOnlySpan<char>>();
        VocabularySize = Math.Max(size, AddedTokens.Count == 0 ? 0 : AddedTokens.Max(t => t.Id) + 1);
    }

    /// <summary>The normalizer settings, or null when the text is not normalized.</summary>
    public BertNormalizerOptions? NormalizerOptions { get; }

    public string UnknownToken { get; }

    public int UnknownTokenId { get; }

    public string ContinuingSubwordPrefix { get; }

    public int MaxInputCharsPerWord { get; }

    /// <summary>Whether decoding applies HF's WordPiece decoder cleanup (" ." → "." and the like).</summary>
    public bool DecoderCleanup { get; init; } = true;

    /// <inheritdoc/>
    public override int VocabularySize { get; }

    /// <summary>The WordPiece vocabulary (token → id).</summary>
    public IReadOnlyDictionary<string, int> Vocabulary => _vocab;

    /// <summary>
    /// A BERT tokenizer from a <c>vocab.txt</c> (one token a line, id = line index), with <c>[PAD] [UNK] [CLS] [SEP] [MASK]</c>
    /// as special added tokens, as Hugging Face's BertTokenizerFast sets it up.
    /// </summary>
    public static WordPieceTokenizer FromVocabFile(string vocabFile, BertNormalizerOptions? normalizer = null)
    {
        var vocab = VocabularyFile.ReadBertVocab(vocabFile);
        var special = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }
            .Where(vocab.ContainsKey).Select(t => new AddedToken(t, vocab[t]));
        return new WordPieceTokenizer(vocab, normalizer ?? BertNormalizerOptions.Uncased, special);
    }

    private protected override int? ModelTokenToId(string token) => _vocab.TryGetValue(token, out var id) ? id : null;

    private protected override string? ModelIdToToken(int id) => (uint)id < (uint)_tokens.Length ? _tokens[id] : null;

    // HF's WordPiece decoder: continuations glued to the previous token, others after a space, then its per-token cleanup.
    private protected override string DecodeTokens(List<string> tokens)
    {
        var text = new StringBuilder();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (i > 0)
            {
                token = token.StartsWith(ContinuingSubwordPrefix, StringComparison.Ordinal) ? token[ContinuingSubwordPrefix.Length..] : " " + token;
            }

            text.Append(DecoderCleanup ? Cleanup(token) : token);
        }

        return text.ToString();
    }

    private static string Cleanup(string token) => token
        .Replace(" .", ".", StringComparison.Ordinal).Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal).Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal).Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal).Replace(" do not", " don't", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal).Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);

    private protected override void EncodeSegment(string text, int start, int end, TokenSink sink)
    {
        var word = WordBuffer.Shared ??= new WordBuffer();
        word.Clear();
        for (var i = start; i < end;)
        {
            int cp = text[i];
            var width = 1;
            if (char.IsSurrogate((char)cp))
            {
                if (char.IsHighSurrogate((char)cp) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
                {
                    cp = char.ConvertToUtf32((char)cp, text[i + 1]);
                    width = 2;
                }
                else
                {
                    cp = 0xFFFD; // a lone surrogate: HF receives it as U+FFFD (the Node binding converts it so)
                }
            }

            var origin = i;
            i += width;
            var flags = BertCharTable.Flags(cp);
            if (_clean)
            {
                if (cp == 0 || cp == 0xFFFD || (flags & BertCharTable.Control) != 0)
                {
                    continue;
                }

                if ((flags & BertCharTable.Whitespace) != 0)
                {
                    FlushWord(word, sink);
                    continue;
                }
            }

            if (_chinese && BertCharTable.IsChinese(cp))
            {
                FlushWord(word, sink);
                EmitMapped(cp, flags, origin, i, word, sink);
                FlushWord(word, sink);
                continue;
            }

            EmitMapped(cp, flags, origin, i, word, sink);
        }

        FlushWord(word, sink);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EmitMapped(int cp, byte flags, int start, int end, WordBuffer word, TokenSink sink)
    {
        if ((flags & _mapFlag) == 0)
        {
            Emit(cp, flags, start, end, word, sink);
            return;
        }

        if (cp < 0x80)
        {
            // ASCII: only A-Z map (to a-z) in the lower-casing modes; skip the table lookup.
            var lower = cp | 0x20;
            Emit(lower, BertCharTable.Flags(lower), start, end, word, sink);
            return;
        }

        var mapped = _mapFlag switch
        {
            BertCharTable.MapsUncased => BertCharTable.MappedUncased(cp),
            BertCharTable.MapsLower => BertCharTable.MappedLower(cp),
            _ => BertCharTable.MappedStrip(cp),
        };
        foreach (var rune in mapped.EnumerateRunes())
        {
            Emit(rune.Value, BertCharTable.Flags(rune.Value), start, end, word, sink);
        }
    }

    // The pre-tokenizer's view of one normalized character.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(int cp, byte flags, int start, int end, WordBuffer word, TokenSink sink)
    {
        if ((flags & BertCharTable.SplitsWords) != 0)
        {
            FlushWord(word, sink);
        }
        else if ((flags & BertCharTable.Punctuation) != 0)
        {
            FlushWord(word, sink);
            word.Append(cp, start, end);
            FlushWord(word, sink);
        }
        else
        {
            word.Append(cp, start, end);
        }
    }

    private void FlushWord(WordBuffer word, TokenSink sink)
    {
        if (word.Length == 0)
        {
            return;
        }

        WordPiece(word, sink);
        word.Clear();
    }

    // Greedy longest-match-first over the normalized word; one piece with no match makes the whole word [UNK].
    private void WordPiece(WordBuffer word, TokenSink sink)
    {
        var chars = word.Chars.AsSpan(0, word.Length);
        sink.NextSplit();
        if (word.CodePoints > MaxInputCharsPerWord)
        {
            sink.Add(UnknownTokenId, word.Starts[0], word.Ends[word.Length - 1]);
            return;
        }

        var mark = sink.Count;
        for (var start = 0; start < chars.Length;)
        {
            var first = start == 0;
            var end = Math.Min(chars.Length, start + (first ? _maxStartLength : _maxContinuationLength));
            var id = -1;
            while (end > start)
            {
                if (end < chars.Length && char.IsLowSurrogate(chars[end]) && char.IsHighSurrogate(chars[end - 1]))
                {
                    end--; // never split a surrogate pair: HF works in code points
                    continue;
                }

                if ((first ? _starts : _continuations).TryGetValue(chars[start..end], out id))
                {
                    break;
                }

                id = -1;
                end--;
            }

            if (id < 0)
            {
                sink.Count = mark;
                sink.Add(UnknownTokenId, word.Starts[0], word.Ends[word.Length - 1]);
                return;
            }

            sink.Add(id, word.Starts[start], word.Ends[end - 1]);
            start = end;
        }
    }

    /// <summary>The normalized characters of the current word, each with the UTF-16 range of the original character.</summary>
    private sealed class WordBuffer
    {
        [ThreadStatic]
        public static WordBuffer? Shared;

        public char[] Chars = new char[64];
        public int[] Starts = new int[64];
        public int[] Ends = new int[64];
        public int Length;
        public int CodePoints;

        public void Clear()
        {
            Length = 0;
            CodePoints = 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Append(int cp, int start, int end)
        {
            if (Length + 2 > Chars.Length)
            {
                Grow();
            }

            if (cp < 0x10000)
            {
                Chars[Length] = (char)cp;
                Starts[Length] = start;
                Ends[Length] = end;
                Length++;
            }
            else
            {
                var rune = new Rune(cp);
                rune.EncodeToUtf16(Chars.AsSpan(Length));
                Starts[Length] = Starts[Length + 1] = start;
                Ends[Length] = Ends[Length + 1] = end;
                Length += 2;
            }

            CodePoints++;
        }

        private void Grow()
        {
            var size = Chars.Length * 2;
            Array.Resize(ref Chars, size);
            Array.Resize(ref Starts, size);
            Array.Resize(ref Ends, size);
        }
    }
}
