namespace MlNetGraviton.Tokenization.Processing;

/// <summary>
/// Finds added tokens in raw text, leftmost first and longest on ties (HF's leftmost-longest Aho-Corasick), with
/// the lstrip / rstrip / single_word rules. Added tokens are few, so an ordinal search per token is enough.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly AddedToken[] _tokens;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        _tokens = tokens.Where(t => t.Content.Length > 0).OrderByDescending(t => t.Content.Length).ToArray();
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
        var best = int.MaxValue;
        foreach (var candidate in _tokens)
        {
            var at = from;
            while (at < text.Length)
            {
                var found = text.IndexOf(candidate.Content, at, StringComparison.Ordinal);
                if (found < 0 || found >= best)
                {
                    break;
                }

                var stop = found + candidate.Content.Length;
                if (candidate.SingleWord && ((found > 0 && IsWordChar(text[found - 1])) || (stop < text.Length && IsWordChar(text[stop]))))
                {
                    at = found + 1;
                    continue;
                }

                // Longest first within the same start: tokens are sorted by length, so the first found at an index wins.
                best = found;
                token = candidate;
                break;
            }
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
