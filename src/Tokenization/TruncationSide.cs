namespace MlNetGraviton.Tokenization;

/// <summary>Which end of a text loses its tokens when it is truncated.</summary>
public enum TruncationSide
{
    /// <summary>Drop tokens from the end (keep the beginning).</summary>
    Right,

    /// <summary>Drop tokens from the beginning (keep the end).</summary>
    Left,
}
