using Microsoft.ML;
using MlNetGraviton.Pipeline.Mapping;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Pipeline.Tokenize;

/// <summary>Adds the token columns (<c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>) computed from a text column.</summary>
public sealed class TokenizeTransformer : BatchedMappingTransformer
{
    internal TokenizeTransformer(TransformerTokenizer tokenizer, string inputColumn, string outputPrefix, bool fixedLength)
    {
        FixedLength = fixedLength;
        Tokenizer = tokenizer;
        InputColumn = inputColumn;
        OutputPrefix = outputPrefix;
    }

    public TransformerTokenizer Tokenizer { get; }

    public string InputColumn { get; }

    public string OutputPrefix { get; }

    /// <summary>Whether the token columns are vectors of the tokenizer's MaxTokens (padded) rather than variable-size.</summary>
    public bool FixedLength { get; }

    private protected override BatchedRowMapping Bind(DataViewSchema inputSchema)
        => new TokenizeMapping(inputSchema, Tokenizer, InputColumn, OutputPrefix, FixedLength);
}
