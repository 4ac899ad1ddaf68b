using System.Globalization;

namespace MlNetGraviton.Tokenization;

/// <summary>
/// fairseq's <c>dict.txt</c> (<c>&lt;gpt2 id&gt; &lt;count&gt;</c> per line): RoBERTa id = 4 + line index,
/// after <c>&lt;s&gt;</c>=0, <c>&lt;pad&gt;</c>=1, <c>&lt;/s&gt;</c>=2, <c>&lt;unk&gt;</c>=3; <c>&lt;mask&gt;</c> follows the last line.
/// </summary>
internal sealed class FairseqDictionary
{
    public const int BeginId = 0;
    public const int PadId = 1;
    public const int EndId = 2;
    public const int UnknownId = 3;
    public const int SpecialCount = 4;

    private readonly Dictionary<int, int> _gpt2ToRoberta;

    private FairseqDictionary(Dictionary<int, int> gpt2ToRoberta, List<(string, int)> symbols)
    {
        _gpt2ToRoberta = gpt2ToRoberta;
        Symbols = symbols;
        MaskId = SpecialCount + symbols.Count;
    }

    /// <summary>Every line's symbol (a GPT-2 id, or a filler such as madeupword0000) with its RoBERTa id.</summary>
    public IReadOnlyList<(string Symbol, int Id)> Symbols { get; }

    /// <summary>Id of <c>&lt;mask&gt;</c> (50264 for roberta-base).</summary>
    public int MaskId { get; }

    public static FairseqDictionary Load(string path)
    {
        var map = new Dictionary<int, int>();
        var symbols = new List<(string, int)>();
        var lineCount = 0;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.TrimEnd('\r');
            var fields = line.Split(' ');
            if (fields.Length != 2 || fields[0].Length == 0
                || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw VocabularyFile.Malformed(path, "fairseq dictionary", $"line {lineCount + 1} is '{line}', expected '<token> <count>'.");
            }

            // Non-numeric entries (fairseq's madeupwordNNNN fillers) take a slot but no GPT-2 id maps to them.
            if (int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var gpt2Id)
                && !map.TryAdd(gpt2Id, SpecialCount + lineCount))
            {
                throw VocabularyFile.Malformed(path, "fairseq dictionary", $"GPT-2 id {gpt2Id} appears twice (line {lineCount + 1}).");
            }

            symbols.Add((fields[0], SpecialCount + lineCount));
            lineCount++;
        }

        if (map.Count == 0)
        {
            throw VocabularyFile.Malformed(path, "fairseq dictionary", "it holds no GPT-2 ids.");
        }

        return new FairseqDictionary(map, symbols);
    }

    /// <summary>RoBERTa id of a GPT-2 BPE id; ids the dictionary lacks become <c>&lt;unk&gt;</c>, as in fairseq.</summary>
    public int ToRobertaId(int gpt2Id) => _gpt2ToRoberta.TryGetValue(gpt2Id, out var id) ? id : UnknownId;
}
