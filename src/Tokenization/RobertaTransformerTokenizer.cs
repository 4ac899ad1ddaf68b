using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace MlNetGraviton.Tokenization;

/// <summary>
/// First-cut RoBERTa encoding: GPT-2 byte-level BPE (Microsoft.ML.Tokenizers' HF-exact Tiktoken engine, loaded from
/// <c>encoder.json</c> whose ids are the BPE ranks that <c>vocab.bpe</c> orders), then GPT-2 ids mapped to RoBERTa ids
/// through <c>dict.txt</c>: <c>&lt;s&gt; text &lt;/s&gt;</c>.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers' EnglishRobertaTokenizer is not used: it splits non-ASCII text differently from GPT-2
/// (e.g. " €" or "naïve"), and its occurrence-rank conversion maps GPT-2 id 0 ("!") to 0.
/// </remarks>
internal sealed class RobertaTransformerTokenizer : TransformerTokenizer
{
    private const string EncoderWhat = "RoBERTa encoder.json";
    private const string MergesWhat = "RoBERTa vocab.bpe merges";

    private readonly TiktokenTokenizer _bpe;
    private readonly FairseqDictionary _dictionary;

    private RobertaTransformerTokenizer(TiktokenTokenizer bpe, FairseqDictionary dictionary, int maxTokens)
        : base(maxTokens, [FairseqDictionary.BeginId], [FairseqDictionary.EndId], FairseqDictionary.PadId)
    {
        _bpe = bpe;
        _dictionary = dictionary;
    }

    /// <summary>The GPT-2 BPE tokenizer; note its ids are GPT-2 ids, not RoBERTa ids.</summary>
    public override Tokenizer Inner => _bpe;

    /// <summary>Id of <c>&lt;mask&gt;</c>.</summary>
    public int MaskId => _dictionary.MaskId;

    public static RobertaTransformerTokenizer Create(string encoderJson, string vocabBpe, string dictTxt, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        VocabularyFile.RequireExisting(encoderJson, nameof(encoderJson), EncoderWhat);
        VocabularyFile.RequireExisting(vocabBpe, nameof(vocabBpe), MergesWhat);
        VocabularyFile.RequireExisting(dictTxt, nameof(dictTxt), "fairseq dictionary");
        var encoder = LoadEncoder(encoderJson);
        var mergeCount = CheckMerges(vocabBpe, encoder);
        var dictionary = FairseqDictionary.Load(dictTxt);
        var bpe = CreateBpe(encoderJson, encoder, 256 + mergeCount);
        return new RobertaTransformerTokenizer(bpe, dictionary, maxTokens);
    }

    public override IReadOnlyList<int> EncodeContent(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var gpt2Ids = _bpe.EncodeToIds(text);
        var ids = new int[gpt2Ids.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = _dictionary.ToRobertaId(gpt2Ids[i]);
        }

        return ids;
    }

    private static Dictionary<string, int> LoadEncoder(string path)
    {
        Dictionary<string, int>? encoder;
        try
        {
            using var stream = File.OpenRead(path);
            encoder = JsonSerializer.Deserialize<Dictionary<string, int>>(stream);
        }
        catch (JsonException e)
        {
            throw VocabularyFile.Malformed(path, EncoderWhat, $"expected a JSON object of token -> id: {e.Message}", e);
        }

        if (encoder is null || encoder.Count < 256)
        {
            throw VocabularyFile.Malformed(path, EncoderWhat, "it holds fewer than the 256 byte tokens.");
        }

        return encoder;
    }

    // GPT-2's merge k creates token id 256 + k, so encoder.json ids are the BPE ranks; checking that lets the
    // rank-based Tiktoken engine stand for merge-order BPE.
    private static int CheckMerges(string path, Dictionary<string, int> encoder)
    {
        var lineNumber = 0;
        var merges = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }

            var pair = line.Split(' ');
            if (pair.Length != 2)
            {
                throw VocabularyFile.Malformed(path, MergesWhat, $"line {lineNumber} is '{line}', expected '<left> <right>'.");
            }

            if (!encoder.TryGetValue(pair[0] + pair[1], out var id) || id != 256 + merges)
            {
                throw VocabularyFile.Malformed(path, MergesWhat,
                    $"line {lineNumber} merges to '{pair[0] + pair[1]}', which encoder.json should list with id {256 + merges}.");
            }

            merges++;
        }

        if (merges == 0)
        {
            throw VocabularyFile.Malformed(path, MergesWhat, "it holds no merges.");
        }

        return merges;
    }

    private static TiktokenTokenizer CreateBpe(string encoderPath, Dictionary<string, int> encoder, int rankCount)
    {
        // Tiktoken's vocabulary format: base64 of the token's bytes, space, rank; one token a line.
        var ranks = new StringBuilder();
        foreach (var (token, id) in encoder)
        {
            if (id >= rankCount)
            {
                continue; // <|endoftext|>: not reachable by merges, and not special for RoBERTa.
            }

            var bytes = ByteLevelAlphabet.ToBytes(token)
                ?? throw VocabularyFile.Malformed(encoderPath, EncoderWhat, $"token '{token}' (id {id}) is not written in GPT-2's byte-level alphabet.");
            ranks.Append(Convert.ToBase64String(bytes)).Append(' ').Append(id).Append('\n');
        }

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(ranks.ToString()));
        return TiktokenTokenizer.Create(stream, Gpt2TransformerTokenizer.Gpt2PreTokenizer, normalizer: null, specialTokens: null);
    }
}
