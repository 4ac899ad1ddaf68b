using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGraviton.Pipeline.Mapping;

/// <summary>
/// Row-at-a-time view of a mapping for <c>PredictionEngine</c>: added columns are computed as a batch of one,
/// once per input position, the first time one of them is read.
/// </summary>
internal sealed class SingleRowMapper : IRowToRowMapper
{
    private readonly BatchedRowMapping _mapping;

    public SingleRowMapper(BatchedRowMapping mapping) => _mapping = mapping;

    public DataViewSchema InputSchema => _mapping.InputSchema;

    public DataViewSchema OutputSchema => _mapping.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
        => _mapping.InputColumnsFor(dependingColumns);

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        => new MappedRow(_mapping, input, activeColumns);

    private sealed class MappedRow : DataViewRow
    {
        private readonly BatchedRowMapping _mapping;
        private readonly DataViewRow _input;
        private readonly bool[] _active;
        private readonly BatchProcessor? _processor;
        private long _computedPosition = -1;

        public MappedRow(BatchedRowMapping mapping, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
        {
            _mapping = mapping;
            _input = input;
            _active = new bool[mapping.OutputSchema.Count];
            foreach (var column in activeColumns)
            {
                _active[column.Index] = true;
            }

            if (_active.Skip(mapping.InputSchema.Count).Any(a => a))
            {
                _processor = mapping.CreateProcessor(input, capacity: 1);
            }
        }

        public override DataViewSchema Schema => _mapping.OutputSchema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!_active[column.Index])
            {
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this row.");
            }

            if (!_mapping.IsAdded(column))
            {
                return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            }

            return _processor!.CreateGetter(_mapping.AddedIndex(column), CurrentSlot) as ValueGetter<TValue>
                ?? throw new InvalidOperationException(
                    $"Column '{column.Name}' holds {column.Type} ({column.Type.RawType.Name}); it was requested as {typeof(TValue).Name}.");
        }

        // Computes the added columns once per input position, on first read.
        private int CurrentSlot()
        {
            if (_computedPosition != _input.Position || _computedPosition < 0)
            {
                _processor!.ReadRow(0);
                _processor.Compute(1);
                _computedPosition = _input.Position;
            }

            return 0;
        }
    }
}
