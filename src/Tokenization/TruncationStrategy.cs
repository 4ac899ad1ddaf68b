namespace MlNetGraviton.Tokenization;

/// <summary>Which text loses tokens when a pair is too long (Hugging Face's truncation strategies).</summary>
public enum TruncationStrategy
{
    /// <summary>Take from the longer text until both are equal, then from both (a single text: from it).</summary>
    LongestFirst,

    /// <summary>Take only from the first text; an error if it cannot give enough.</summary>
    OnlyFirst,

    /// <summary>Take only from the second text; an error if there is none or it cannot give enough.</summary>
    OnlySecond,
}
