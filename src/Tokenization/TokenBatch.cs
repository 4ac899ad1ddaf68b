namespace MlNetGraviton.Tokenization;

/// <summary>
/// A batch of encoded texts as the row-major [BatchSize, SequenceLength] int64 arrays
/// that transformer graphs take as <c>input_ids</c>, <c>attention_mask</c> and <c>token_type_ids</c>.
/// </summary>
public sealed class TokenBatch
{
    internal TokenBatch(int batchSize, int sequenceLength, long[] inputIds, long[] attentionMask, long[] tokenTypeIds, int[] lengths)
    {
        BatchSize = batchSize;
        SequenceLength = sequenceLength;
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
        Lengths = lengths;
    }

    public int BatchSize { get; }

    public int SequenceLength { get; }

    /// <summary>Token ids, padding positions hold the tokenizer's pad id.</summary>
    public long[] InputIds { get; }

    /// <summary>1 on real tokens (special tokens included), 0 on padding.</summary>
    public long[] AttentionMask { get; }

    /// <summary>Segment ids: 0 everywhere for single texts.</summary>
    public long[] TokenTypeIds { get; }

    /// <summary>Number of real (non-padding) tokens per row.</summary>
    public IReadOnlyList<int> Lengths { get; }

    /// <summary>The dims <c>[BatchSize, SequenceLength]</c> as graph input shapes expect them.</summary>
    public long[] Shape => [BatchSize, SequenceLength];
}
