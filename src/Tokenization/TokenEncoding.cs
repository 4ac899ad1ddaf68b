namespace MlNetGraviton.Tokenization;

/// <summary>One encoded text or pair, as Hugging Face's <c>Encoding</c>: ids with their segment, mask and offsets.</summary>
public sealed class TokenEncoding
{
    private readonly HuggingFaceTokenizer _tokenizer;
    private readonly string[] _texts;
    private string[]? _tokens;

    internal TokenEncoding(HuggingFaceTokenizer tokenizer, string[] texts, int[] ids, int[] typeIds, int[] specialTokensMask, int[] attentionMask, (int Start, int End)[] offsets, int[] sequenceIds)
    {
        _tokenizer = tokenizer;
        _texts = texts;
        Ids = ids;
        TypeIds = typeIds;
        SpecialTokensMask = specialTokensMask;
        AttentionMask = attentionMask;
        Offsets = offsets;
        SequenceIds = sequenceIds;
    }

    public int Length => Ids.Length;

    public int[] Ids { get; }

    /// <summary>Segment ids (token_type_ids): 0 for the first text, 1 for the second where the template says so.</summary>
    public int[] TypeIds { get; }

    /// <summary>1 on special and padding tokens.</summary>
    public int[] SpecialTokensMask { get; }

    /// <summary>1 on real tokens (special tokens included), 0 on padding.</summary>
    public int[] AttentionMask { get; }

    /// <summary>UTF-16 [Start, End) of each token in its own text (the first or the second of a pair); (0, 0) for special tokens.</summary>
    public (int Start, int End)[] Offsets { get; }

    /// <summary>Which text each token came from: 0, 1, or -1 for special and padding tokens.</summary>
    public int[] SequenceIds { get; }

    /// <summary>Token strings as HF reports them (vocabulary spelling, e.g. <c>##ing</c> or <c>Ġworld</c>).</summary>
    public string[] Tokens => _tokens ??= Ids.Select((id, i) => SequenceIds[i] < 0
        ? _tokenizer.IdToToken(id) ?? string.Empty
        : _tokenizer.TokenString(id, _texts[SequenceIds[i]], Offsets[i].Start, Offsets[i].End)).ToArray();
}
