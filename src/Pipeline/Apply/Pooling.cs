namespace MlNetGraviton.Pipeline;

/// <summary>How <c>last_hidden_state</c> [batch, sequence, hidden] becomes one vector per row.</summary>
public enum Pooling
{
    /// <summary>Average over the tokens whose attention mask is 1 (sentence-transformers' mean pooling).</summary>
    Mean,

    /// <summary>The first token's state (<c>[CLS]</c> / <c>&lt;s&gt;</c>).</summary>
    Cls,

    /// <summary>The last token whose attention mask is 1 (GPT-2 style).</summary>
    LastToken,
}
