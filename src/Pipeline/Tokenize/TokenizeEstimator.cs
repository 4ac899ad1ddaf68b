using Microsoft.ML;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Pipeline.Tokenize;

/// <summary>Estimator of <see cref="TokenizeTransformer"/>; nothing is learned, Fit checks the schema.</summary>
public sealed class TokenizeEstimator : IEstimator<TokenizeTransformer>
{
    private readonly TransformerTokenizer _tokenizer;
    private readonly string _inputColumn;
    private readonly string _outputPrefix;

    internal TokenizeEstimator(TransformerTokenizer tokenizer, string inputColumn, string outputPrefix)
    {
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
        return new TokenizeTransformer(_tokenizer, _inputColumn, _outputPrefix);
    }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.RequireText(inputSchema, _inputColumn);
        return ColumnChecks.WithAddedColumns(inputSchema, TokenizeMapping.OutputColumns(_outputPrefix));
    }
}
