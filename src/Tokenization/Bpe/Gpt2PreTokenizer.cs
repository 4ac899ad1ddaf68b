using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace MlNetGraviton.Tokenization.Bpe;

/// <summary>
/// GPT-2's split, <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>, as a hand-written
/// scanner (no regex engine, no allocation). A lone surrogate counts as U+FFFD (neither letter, number nor space),
/// which is what Hugging Face's tokenizers receive in its place.
/// </summary>
internal static class Gpt2PreTokenizer
{
    private enum Kind : byte { Letter, Number, Space, Other }

    /// <summary>End (exclusive) of the piece that starts at <paramref name="at"/> in text[..<paramref name="end"/>).</summary>
    public static int NextPiece(string text, int at, int end)
    {
        var c = text[at];
        if (c == '\'' && at + 1 < end)
        {
            var n = text[at + 1];
            if (n is 's' or 't' or 'm' or 'd')
            {
                return at + 2;
            }

            if (at + 2 < end)
            {
                var m = text[at + 2];
                if ((n == 'r' && m == 'e') || (n == 'v' && m == 'e') || (n == 'l' && m == 'l'))
                {
                    return at + 3;
                }
            }
        }

        var kind = KindAt(text, at, end, out var width);
        var start = at;
        if (c == ' ' && at + 1 < end)
        {
            var next = KindAt(text, at + 1, end, out var nextWidth);
            if (next != Kind.Space)
            {
                kind = next;
                start = at + 1;
                width = nextWidth;
            }
        }

        if (kind != Kind.Space)
        {
            var i = start + width;
            while (i < end && KindAt(text, i, end, out var w) == kind)
            {
                i += w;
            }

            return i;
        }

        // Whitespace (all of it is in the BMP): a run up to the end, else the run less its last character, which then
        // starts the next piece (" ?\p{L}+" etc.); a single whitespace character before non-space stands alone.
        var r = at + 1;
        while (r < end && IsSpace(text[r]))
        {
            r++;
        }

        return r == end ? r : (r - at >= 2 ? r - 1 : at + 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Kind KindAt(string text, int i, int end, out int width)
    {
        var c = text[i];
        width = 1;
        if (c < 0x80)
        {
            return AsciiKinds[c];
        }

        if (char.IsSurrogate(c))
        {
            if (char.IsHighSurrogate(c) && i + 1 < end && char.IsLowSurrogate(text[i + 1]))
            {
                width = 2;
                return KindOf(char.ConvertToUtf32(c, text[i + 1]));
            }

            return Kind.Other;
        }

        return KindOf(c);
    }

    private static Kind KindOf(int cp)
    {
        if (IsSpace(cp))
        {
            return Kind.Space;
        }

        return Rune.GetUnicodeCategory(new Rune(cp)) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Kind.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Kind.Number,
            _ => Kind.Other,
        };
    }

    /// <summary>Unicode White_Space (what the reference's regex engine calls \s).</summary>
    private static bool IsSpace(int cp) =>
        (cp >= 9 && cp <= 13) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
        || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;

    private static readonly Kind[] AsciiKinds = Enumerable.Range(0, 128).Select(c => KindOf(c)).ToArray();
}
