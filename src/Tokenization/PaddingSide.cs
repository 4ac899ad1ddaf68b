namespace MlNetGraviton.Tokenization;

/// <summary>Which end of a row the padding goes to.</summary>
public enum PaddingSide
{
    /// <summary>After the tokens (BERT, RoBERTa).</summary>
    Right,

    /// <summary>Before the tokens (decoder-only generation).</summary>
    Left,
}
