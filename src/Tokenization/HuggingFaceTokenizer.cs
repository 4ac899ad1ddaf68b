using System.Buffers;
using Microsoft.ML.Tokenizers;
using MlNetGraviton.Tokenization.Processing;

namespace MlNetGraviton.Tokenization;

/// <summary>
/// Base of our Hugging Face-exact tokenizers (<see cref="WordPieceTokenizer"/>, <see cref="ByteLevelBpeTokenizer"/>):
/// a Microsoft.ML.Tokenizers <see cref="Tokenizer"/>, so it goes wherever that library takes one. Its base-class API
/// encodes the text's own tokens (added tokens such as <c>[CLS]</c> written in the text are matched, but no special
/// tokens are put around it); <see cref="TransformerTokenizer"/> adds them, plus pairs, truncation and padding.
/// Offsets are UTF-16 indices into the text.
/// </summary>
public abstract class HuggingFaceTokenizer : Tokenizer
{
    private readonly AddedTokenMatcher _matcher;
    private readonly Dictionary<int, AddedToken> _addedById;
    private readonly Dictionary<string, AddedToken> _addedByContent;

    private protected HuggingFaceTokenizer(IEnumerable<AddedToken> addedTokens)
    {
        var list = addedTokens.ToList();
        _matcher = new AddedTokenMatcher(list);
        _addedById = new Dictionary<int, AddedToken>();
        _addedByContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        foreach (var token in list)
        {
            _addedById[token.Id] = token;
            _addedByContent[token.Content] = token;
        }

        AddedTokens = list;
    }

    /// <summary>Tokens matched in the raw text before the model runs.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>Number of ids: the model's vocabulary and the added tokens.</summary>
    public abstract int VocabularySize { get; }

    /// <summary>Id of a token string (vocabulary or added token), or null.</summary>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return _addedByContent.TryGetValue(token, out var added) ? added.Id : ModelTokenToId(token);
    }

    /// <summary>Token string of an id, or null when the id is unknown.</summary>
    public string? IdToToken(int id) => _addedById.TryGetValue(id, out var added) ? added.Content : ModelIdToToken(id);

    /// <summary>
    /// The token string as HF reports it: the vocabulary spelling, except that an added token that strips whitespace
    /// (lstrip/rstrip) includes the whitespace it absorbed from <paramref name="text"/> around [start, end).
    /// </summary>
    internal string TokenString(int id, string text, int start, int end)
    {
        if (!_addedById.TryGetValue(id, out var added) || !(added.LStrip || added.RStrip) || end > text.Length)
        {
            return IdToToken(id) ?? string.Empty;
        }

        var from = start;
        var to = end;
        while (added.LStrip && from > 0 && AddedTokenMatcher.IsWhitespace(text[from - 1]))
        {
            from--;
        }

        while (added.RStrip && to < text.Length && AddedTokenMatcher.IsWhitespace(text[to]))
        {
            to++;
        }

        return text[from..to];
    }

    /// <summary>Whether the id is a special added token (skipped by decoding with skipSpecialTokens).</summary>
    public bool IsSpecial(int id) => _addedById.TryGetValue(id, out var added) && added.Special;

    /// <summary>Text of the ids, as HF's decoder writes it.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var tokens = new List<string>();
        foreach (var id in ids)
        {
            if (skipSpecialTokens && IsSpecial(id))
            {
                continue;
            }

            tokens.Add(IdToToken(id) ?? throw new ArgumentException($"Id {id} is outside the vocabulary (size {VocabularySize}).", nameof(ids)));
        }

        return DecodeTokens(tokens);
    }

    /// <inheritdoc/>
    public override string Decode(IEnumerable<int> ids) => Decode(ids, skipSpecialTokens: false);

    /// <inheritdoc/>
    public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var list = ids as IReadOnlyCollection<int> ?? ids.ToList();
        var text = Decode(list, skipSpecialTokens: false);
        if (text.Length > destination.Length)
        {
            idsConsumed = 0;
            charsWritten = 0;
            return OperationStatus.DestinationTooSmall;
        }

        text.AsSpan().CopyTo(destination);
        idsConsumed = list.Count;
        charsWritten = text.Length;
        return OperationStatus.Done;
    }

    /// <summary>Appends the tokens of the whole text (added tokens matched first) to the sink.</summary>
    internal void EncodeTo(string text, TokenSink sink)
    {
        if (_matcher.IsEmpty)
        {
            EncodeSegment(text, 0, text.Length, sink);
            return;
        }

        var at = 0;
        while (at < text.Length && _matcher.TryFindNext(text, at, out var start, out var end, out var contentStart, out var contentEnd, out var token))
        {
            if (start > at)
            {
                EncodeSegment(text, at, start, sink);
            }

            sink.NextSplit(isAdded: true);
            sink.Add(token!.Id, contentStart, contentEnd);
            at = end;
        }

        if (at < text.Length)
        {
            EncodeSegment(text, at, text.Length, sink);
        }
    }

    /// <summary>Appends the model's tokens of text[start..end) (no added tokens inside) with offsets into text.</summary>
    private protected abstract void EncodeSegment(string text, int start, int end, TokenSink sink);

    private protected abstract int? ModelTokenToId(string token);

    private protected abstract string? ModelIdToToken(int id);

    private protected abstract string DecodeTokens(List<string> tokens);

    /// <inheritdoc/>
    protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        var source = text ?? textSpan.ToString();
        var sink = TokenSink.Rent();
        EncodeTo(source, sink);
        var count = Math.Min(sink.Count, settings.MaxTokenCount);
        var tokens = new EncodedToken[count];
        for (var i = 0; i < count; i++)
        {
            var id = sink.Ids[i];
            tokens[i] = new EncodedToken(id, IdToToken(id) ?? string.Empty, new Range(sink.Starts[i], sink.Ends[i]));
        }

        return new EncodeResults<EncodedToken> { Tokens = tokens, NormalizedText = null, CharsConsumed = count == sink.Count ? source.Length : sink.Ends[count - 1] };
    }

    /// <inheritdoc/>
    protected override EncodeResults<int> EncodeToIds(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        var source = text ?? textSpan.ToString();
        var sink = TokenSink.Rent();
        EncodeTo(source, sink);
        var count = Math.Min(sink.Count, settings.MaxTokenCount);
        return new EncodeResults<int> { Tokens = sink.Ids.AsSpan(0, count).ToArray(), NormalizedText = null, CharsConsumed = count == sink.Count ? source.Length : sink.Ends[count - 1] };
    }

    /// <inheritdoc/>
    protected override int CountTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
    {
        var sink = TokenSink.Rent();
        EncodeTo(text ?? textSpan.ToString(), sink);
        return Math.Min(sink.Count, settings.MaxTokenCount);
    }

    /// <inheritdoc/>
    protected override int GetIndexByTokenCount(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings, bool fromEnd, out string? normalizedText, out int tokenCount)
    {
        normalizedText = null;
        var source = text ?? textSpan.ToString();
        var sink = TokenSink.Rent();
        EncodeTo(source, sink);
        var max = settings.MaxTokenCount;
        if (sink.Count <= max)
        {
            tokenCount = sink.Count;
            return fromEnd ? 0 : source.Length;
        }

        tokenCount = max;
        // The text up to (from the end: after) the boundary between the kept tokens and the others.
        return fromEnd ? (max == 0 ? source.Length : sink.Starts[sink.Count - max]) : (max == 0 ? 0 : sink.Ends[max - 1]);
    }
}
