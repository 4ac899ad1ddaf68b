namespace MlNetGraviton.Tokenization.Processing;

/// <summary>
/// Finds added tokens in raw text, leftmost first and longest on ties (HF's leftmost-longest Aho-Corasick), with
/// the lstrip / rstrip / single_word rules. Added tokens are few, so an ordinal search per token is enough.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly AddedToken[] _tokens;
    private readonly System.Buffers.SearchValues<char> _firstChars;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        _tokens = tokens.Where(t => t.Content.Length > 0).OrderByDescending(t => t.Content.Length).ToArray();
        _firstChars = System.Buffers.SearchValues.Create(_tokens.Select(t => t.Content[0]).Distinct().ToArray());
    }

    public bool IsEmpty => _tokens.Length == 0;

    /// <summary>
    /// The next match at or after <paramref name="from"/>: [<paramref name="start"/>, <paramref name="end"/>) includes
    /// any whitespace the token strips, [<paramref name="contentStart"/>, <paramref name="contentEnd"/>) is the token
    /// itself (HF's offsets).
    /// </summary>
    public bool TryFindNext(string text, int from, out int start, out int end, out int contentStart, out int contentEnd, out AddedToken? token)
    {
        start = end = contentStart = contentEnd = -1;
        token = null;
        var best = -1;

        // One vectorized scan for the tokens' first characters; at each candidate the longest token that matches wins.
        for (var at = from; at < text.Length;)
        {
            var hit = text.AsSpan(at).IndexOfAny(_firstChars);
            if (hit < 0)
            {
                break;
            }

            at += hit;
            foreach (var candidate in _tokens)
            {
                if (candidate.Content[0] != text[at] || !text.AsSpan(at).StartsWith(candidate.Content, StringComparison.Ordinal))
                {
                    continue;
                }

                var stop = at + candidate.Content.Length;
                if (candidate.SingleWord && ((at > 0 && IsWordChar(text[at - 1])) || (stop < text.Length && IsWordChar(text[stop]))))
                {
                    continue;
                }

                token = candidate;
                best = at;
                break;
            }

            if (token is not null)
            {
                break;
            }

            at++;
        }

        if (token is null)
        {
            return false;
        }

        start = contentStart = best;
        end = contentEnd = best + token.Content.Length;
        if (token.LStrip)
        {
            while (start > from && IsWhitespace(text[start - 1]))
            {
                start--;
            }
        }

        if (token.RStrip)
        {
            while (end < text.Length && IsWhitespace(text[end]))
            {
                end++;
            }
        }

        return true;
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    internal static bool IsWhitespace(char c) => char.IsWhiteSpace(c);
}
