namespace MlNetGraviton.Tokenization.Bert;

/// <summary>
/// Hugging Face's <c>BertNormalizer</c> settings (the <c>normalizer</c> block of a BERT tokenizer.json).
/// Defaults are bert-base-uncased's; bert-base-cased uses <c>Lowercase = false</c>.
/// </summary>
public sealed record BertNormalizerOptions
{
    /// <summary>Drop NUL, U+FFFD and control/format characters; turn every whitespace character into a space.</summary>
    public bool CleanText { get; init; } = true;

    /// <summary>Put spaces around CJK ideographs so each becomes a word.</summary>
    public bool HandleChineseChars { get; init; } = true;

    /// <summary>Decompose (NFD) and drop nonspacing marks; null means "as <see cref="Lowercase"/>", as in HF.</summary>
    public bool? StripAccents { get; init; }

    /// <summary>Lower-case the text.</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>Whether accents are stripped once the null default is resolved.</summary>
    public bool StripsAccents => StripAccents ?? Lowercase;

    /// <summary>bert-base-uncased's settings.</summary>
    public static BertNormalizerOptions Uncased { get; } = new();

    /// <summary>bert-base-cased's settings: no lower-casing, no accent stripping.</summary>
    public static BertNormalizerOptions Cased { get; } = new() { Lowercase = false };
}
