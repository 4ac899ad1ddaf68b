using Microsoft.ML;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Pipeline.Tokenize;

/// <summary>Estimator of <see cref="TokenizeTransformer"/>; nothing is learned, Fit checks the schema.</summary>
public sealed class TokenizeEstimator : IEstimator<TokenizeTransformer>
{
    private readonly TransformerTokenizer _tokenizer;
    private readonly string _inputColumn;
    private readonly string _outputPrefix;
    private readonly bool _fixedLength;

    internal TokenizeEstimator(TransformerTokenizer tokenizer, string inputColumn, string outputPrefix, bool fixedLength)
    {
        _fixedLength = fixedLength;
        ArgumentException.ThrowIfNullOrEmpty(inputColumn);
        ArgumentNullException.ThrowIfNull(outputPrefix);
        _tokenizer = tokenizer;
        _inputColumn = inputColumn;
        _outputPrefix = outputPrefix;
    }

    public TokenizeTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ColumnChecks.RequireText(input.Schema, _inputColumn);
        return new TokenizeTransformer(_tokenizer, _inputColumn, _outputPrefix, _fixedLength);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.RequireText(inputSchema, _inputColumn);
        return ColumnChecks.WithAddedColumns(inputSchema, TokenizeMapping.OutputColumns(_outputPrefix, _fixedLength ? _tokenizer.MaxTokens : 0));
    }
}
