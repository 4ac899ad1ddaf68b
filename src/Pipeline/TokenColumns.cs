namespace MlNetGraviton.Pipeline;

/// <summary>Names of the token columns, the same as the transformer graphs' input names.</summary>
public static class TokenColumns
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";
}
