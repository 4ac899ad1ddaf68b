using System.Globalization;

namespace MlNetGraviton.Tokenization.Bert;

/// <summary>
/// How Hugging Face's BERT normalizer and pre-tokenizer treat each code point (control, whitespace, punctuation,
/// lower-case / accent-stripped forms), read from <c>BertCharTable.txt</c>, which the reference library itself
/// produced (tools/tokenizer-reference/bert-char-table.js): its Rust crates freeze Unicode at their own versions,
/// and .NET under invariant globalization has no NFD, so asking the reference once is the only way to match it.
/// </summary>
internal static class BertCharTable
{
    public const byte Control = 1;        // clean_text removes it
    public const byte Whitespace = 2;     // clean_text turns it into a space
    public const byte SplitsWords = 4;    // Rust char::is_whitespace: the pre-tokenizer splits (and drops) here
    public const byte Punctuation = 8;    // the pre-tokenizer isolates it
    public const byte MapsUncased = 16;   // strip accents + lower-case changes it
    public const byte MapsLower = 32;     // lower-case alone changes it
    public const byte MapsStrip = 64;     // strip accents alone changes it

    private const int BlockBits = 8;
    private const int BlockSize = 1 << BlockBits;

    private static readonly ushort[] BlockOf;
    private static readonly byte[] Blocks;

    // Mappings are few (a few thousand code points); the flags say when to look.
    private static readonly Dictionary<int, string> Uncased = new();
    private static readonly Dictionary<int, string> Lower = new();
    private static readonly Dictionary<int, string> Strip = new();

    static BertCharTable()
    {
        var flags = new byte[0x110000];
        var explicitUncased = new Dictionary<int, string>();
        using (var stream = typeof(BertCharTable).Assembly.GetManifestResourceStream("MlNetGraviton.Tokenization.BertCharTable.txt")
            ?? throw new InvalidOperationException("The embedded BERT character table is missing from the assembly."))
        using (var reader = new StreamReader(stream))
        {
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var fields = line.Split(' ');
                var dash = fields[0].IndexOf('-', StringComparison.Ordinal);
                var first = Hex(dash < 0 ? fields[0] : fields[0][..dash]);
                var last = dash < 0 ? first : Hex(fields[0][(dash + 1)..]);
                byte f = 0;
                foreach (var c in fields[1])
                {
                    f |= c switch
                    {
                        'C' => Control,
                        'W' => (byte)(Whitespace | SplitsWords),
                        'w' => SplitsWords,
                        'P' => Punctuation,
                        _ => 0,
                    };
                }

                for (var cp = first; cp <= last; cp++)
                {
                    flags[cp] = f;
                }

                for (var i = 2; i < fields.Length; i++)
                {
                    var value = CodePoints(fields[i].AsSpan(2));
                    switch (fields[i][0])
                    {
                        case 'L': Lower[first] = value; flags[first] |= MapsLower; break;
                        case 'S': Strip[first] = value; flags[first] |= MapsStrip; break;
                        case 'U': explicitUncased[first] = value; break;
                    }
                }
            }
        }

        // Strip then lower-case (HF's order), unless the table gave the combined form itself.
        for (var cp = 0; cp < flags.Length; cp++)
        {
            if ((flags[cp] & (MapsLower | MapsStrip)) == 0 && !explicitUncased.ContainsKey(cp))
            {
                continue;
            }

            if (!explicitUncased.TryGetValue(cp, out var uncased))
            {
                var stripped = Strip.TryGetValue(cp, out var s) ? s : char.ConvertFromUtf32(cp);
                var builder = new System.Text.StringBuilder();
                foreach (var rune in stripped.EnumerateRunes())
                {
                    builder.Append(Lower.TryGetValue(rune.Value, out var l) ? l : rune.ToString());
                }

                uncased = builder.ToString();
            }

            if (uncased != char.ConvertFromUtf32(cp))
            {
                Uncased[cp] = uncased;
                flags[cp] |= MapsUncased;
            }
        }

        // Two-level table: identical 256-code-point blocks are stored once (most of the planes are all zero).
        var blockCount = flags.Length / BlockSize;
        BlockOf = new ushort[blockCount];
        var distinct = new List<byte[]>();
        var index = new Dictionary<string, ushort>();
        for (var b = 0; b < blockCount; b++)
        {
            var block = flags.AsSpan(b * BlockSize, BlockSize).ToArray();
            var key = Convert.ToBase64String(block);
            if (!index.TryGetValue(key, out var at))
            {
                at = (ushort)distinct.Count;
                distinct.Add(block);
                index.Add(key, at);
            }

            BlockOf[b] = at;
        }

        Blocks = distinct.SelectMany(b => b).ToArray();
    }

    public static byte Flags(int codePoint) => Blocks[(BlockOf[codePoint >> BlockBits] << BlockBits) | (codePoint & (BlockSize - 1))];

    /// <summary>HF's <c>_is_chinese_char</c> ranges, including its 0x2B920 start of the Extension E/F range.</summary>
    public static bool IsChinese(int cp) =>
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);

    public static string MappedUncased(int cp) => Uncased[cp];

    public static string MappedLower(int cp) => Lower[cp];

    public static string MappedStrip(int cp) => Strip[cp];

    private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string CodePoints(ReadOnlySpan<char> dotted)
    {
        if (dotted.IsEmpty)
        {
            return string.Empty;
        }

        var builder = new System.Text.StringBuilder();
        foreach (var range in dotted.Split('.'))
        {
            builder.Append(char.ConvertFromUtf32(int.Parse(dotted[range], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }

        return builder.ToString();
    }
}
