using Microsoft.ML;

namespace MlNetGraviton.Pipeline.Mapping;

/// <summary>The lazy result of a batched transformer's <c>Transform</c>: nothing runs until a cursor moves.</summary>
internal sealed class BatchedDataView : IDataView
{
    private readonly IDataView _input;
    private readonly BatchedRowMapping _mapping;

    public BatchedDataView(IDataView input, BatchedRowMapping mapping)
    {
        _input = input;
        _mapping = mapping;
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema => _mapping.OutputSchema;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new BatchedCursor(_mapping, columnsNeeded, rand, _input);

    // One cursor: batching already amortizes the model call, and the session itself uses the threads.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];
}
