using System.Text;

namespace MlNetGraviton.Tokenization.Tests.Reference;

/// <summary>
/// JSON string literals read and written by hand: System.Text.Json refuses lone surrogates, and the corpus keeps
/// them on purpose (escaped as \uXXXX).
/// </summary>
internal static class JsonText
{
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c == '"' || c == '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c < 0x20 || c >= 0x7F)
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }

    /// <summary>The string literal starting at <paramref name="at"/> (its opening quote); <paramref name="end"/> is after its closing quote.</summary>
    public static string ReadString(string json, int at, out int end)
    {
        if (json[at] != '"')
        {
            throw new FormatException($"expected a string at {at} in {json}");
        }

        var builder = new StringBuilder();
        var i = at + 1;
        while (json[i] != '"')
        {
            var c = json[i++];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            var e = json[i++];
            switch (e)
            {
                case 'u':
                    builder.Append((char)Convert.ToInt32(json.Substring(i, 4), 16));
                    i += 4;
                    break;
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                default: builder.Append(e); break;
            }
        }

        end = i + 1;
        return builder.ToString();
    }
}
