using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGraviton.Pipeline.Mapping;

/// <summary>
/// Shared <see cref="ITransformer"/> plumbing for transformers that add columns computed in batches:
/// streaming <c>Transform</c>, row-to-row mapping for <c>PredictionEngine</c>, and the save refusal.
/// </summary>
public abstract class BatchedMappingTransformer : ITransformer
{
    private protected BatchedMappingTransformer()
    {
    }

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return Bind(inputSchema).OutputSchema;
    }

    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchedDataView(input, Bind(input.Schema));
    }

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new SingleRowMapper(Bind(inputSchema));
    }

    void ICanSaveModel.Save(ModelSaveContext ctx)
        => throw new NotSupportedException(
            $"{GetType().Name} cannot be saved yet: saving and loading MlNetGraviton pipelines is not implemented in this version.");

    /// <summary>Checks <paramref name="inputSchema"/> (errors name the column and the expected type) and binds to it.</summary>
    private protected abstract BatchedRowMapping Bind(DataViewSchema inputSchema);
}
