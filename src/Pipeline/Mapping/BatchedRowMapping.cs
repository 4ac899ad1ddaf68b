using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGraviton.Pipeline.Mapping;

/// <summary>
/// A transformer bound to one input schema: the input columns it reads, the columns it adds,
/// and a factory of <see cref="BatchProcessor"/>s that compute them. The cursors and rows do the rest.
/// </summary>
internal abstract class BatchedRowMapping
{
    private DataViewSchema? _outputSchema;

    protected BatchedRowMapping(DataViewSchema inputSchema, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        InputSchema = inputSchema;
        BatchSize = batchSize;
    }

    public DataViewSchema InputSchema { get; }

    /// <summary>Rows per batch the mapping computes at once (for a model: rows per session run).</summary>
    public int BatchSize { get; }

    /// <summary>
    /// Rows pulled from the input per <see cref="BatchProcessor.Compute"/> call when streaming: <see cref="BatchSize"/>
    /// unless the mapping regroups a larger window into its batches (e.g. by length, so each batch pads little).
    /// </summary>
    public virtual int RowsPerCompute => BatchSize;

    /// <summary>Input columns the added columns are computed from.</summary>
    public abstract IReadOnlyList<DataViewSchema.Column> RequiredInputColumns { get; }

    /// <summary>Names and types of the added columns, in output order after the input columns.</summary>
    public abstract IReadOnlyList<(string Name, DataViewType Type)> AddedColumns { get; }

    /// <summary>The input columns followed by the added ones (an added column hides an input column of the same name).</summary>
    public DataViewSchema OutputSchema => _outputSchema ??= BuildOutputSchema();

    /// <summary>A processor reading from <paramref name="input"/>, with room for <paramref name="capacity"/> rows.</summary>
    public abstract BatchProcessor CreateProcessor(DataViewRow input, int capacity);

    public bool IsAdded(DataViewSchema.Column column) => column.Index >= InputSchema.Count;

    public int AddedIndex(DataViewSchema.Column column) => column.Index - InputSchema.Count;

    /// <summary>The input columns needed to produce <paramref name="outputColumns"/>.</summary>
    public IEnumerable<DataViewSchema.Column> InputColumnsFor(IEnumerable<DataViewSchema.Column> outputColumns)
    {
        var needed = new Dictionary<int, DataViewSchema.Column>();
        foreach (var column in outputColumns)
        {
            if (IsAdded(column))
            {
                foreach (var required in RequiredInputColumns)
                {
                    needed[required.Index] = required;
                }
            }
            else
            {
                needed[column.Index] = InputSchema[column.Index];
            }
        }

        return needed.Values;
    }

    private DataViewSchema BuildOutputSchema()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(InputSchema);
        foreach (var (name, type) in AddedColumns)
        {
            builder.AddColumn(name, type);
        }

        return builder.ToSchema();
    }
}
