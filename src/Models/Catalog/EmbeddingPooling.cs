namespace MlNetGraviton.Models.Catalog;

/// <summary>How sentence-transformers turns a pretrained model's token states into one sentence vector.</summary>
public enum EmbeddingPooling
{
    /// <summary>Average of the token states whose attention mask is 1 (all-MiniLM-L6-v2).</summary>
    Mean,

    /// <summary>The first token's state, <c>[CLS]</c> (arctic-embed).</summary>
    Cls,
}
