namespace MlNetGraviton.Tokenization;

/// <summary>How <see cref="TransformerTokenizer"/> encodes: special tokens, truncation, padding, threads. Defaults as Hugging Face's.</summary>
public sealed record TokenizeOptions
{
    /// <summary>Default options: special tokens added, truncated to the tokenizer's MaxTokens longest-first on the right, padded right to the longest row.</summary>
    public static TokenizeOptions Default { get; } = new();

    /// <summary>Put the template's special tokens (<c>[CLS]</c>, <c>[SEP]</c>, <c>&lt;s&gt;</c>...) around the text(s).</summary>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>Longest encoding, special tokens included; null: the tokenizer's <see cref="TransformerTokenizer.MaxTokens"/>; <see cref="int.MaxValue"/>: no truncation.</summary>
    public int? MaxTokens { get; init; }

    public TruncationStrategy Truncation { get; init; } = TruncationStrategy.LongestFirst;

    public TruncationSide TruncationSide { get; init; } = TruncationSide.Right;

    /// <summary>Batches only: pad to the longest row or to MaxTokens.</summary>
    public TokenPadding Padding { get; init; } = TokenPadding.Longest;

    public PaddingSide PaddingSide { get; init; } = PaddingSide.Right;

    /// <summary>Batches only: threads used (null: all cores).</summary>
    public int? MaxDegreeOfParallelism { get; init; }
}
