namespace MlNetGraviton.Tokenization;

/// <summary>How a batch is padded.</summary>
public enum TokenPadding
{
    /// <summary>Pad every row to the longest row of the batch.</summary>
    Longest,

    /// <summary>Pad every row to the tokenizer's <see cref="TransformerTokenizer.MaxTokens"/>.</summary>
    MaxTokens,
}
