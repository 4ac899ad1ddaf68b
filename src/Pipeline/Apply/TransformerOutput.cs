namespace MlNetGraviton.Pipeline;

/// <summary>Which graph output the apply-transformer column holds.</summary>
public enum TransformerOutput
{
    /// <summary><c>last_hidden_state</c> pooled by the chosen <see cref="Pooling"/>: [hidden].</summary>
    Embedding,

    /// <summary>
    /// <c>logits</c>: a classification head's [labels] as is, or a language-model head's [sequence, vocab]
    /// at the last attended token (next-token logits).
    /// </summary>
    Logits,
}
