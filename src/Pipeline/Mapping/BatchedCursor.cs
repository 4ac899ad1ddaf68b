using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGraviton.Pipeline.Mapping;

/// <summary>
/// Streams a mapping over an input cursor: pulls up to <see cref="BatchedRowMapping.RowsPerCompute"/> rows, computes the
/// added columns for them in one <see cref="BatchProcessor.Compute"/> call (only when an added column is active),
/// then serves them one by one with the buffered pass-through values.
/// </summary>
internal sealed class BatchedCursor : DataViewRowCursor
{
    private readonly BatchedRowMapping _mapping;
    private readonly DataViewRowCursor _input;
    private readonly bool[] _active;
    private readonly Dictionary<int, ColumnValueBuffer> _passThrough = [];
    private readonly BatchProcessor? _processor;
    private readonly ValueGetter<DataViewRowId> _inputIdGetter;
    private readonly DataViewRowId[] _ids;
    private int _slot = -1;
    private int _filled;
    private long _position = -1;

    public BatchedCursor(BatchedRowMapping mapping, IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand, IDataView input)
    {
        _mapping = mapping;
        _active = new bool[mapping.OutputSchema.Count];
        var needed = columnsNeeded.ToArray();
        foreach (var column in needed)
        {
            _active[column.Index] = true;
        }

        _input = input.GetRowCursor(mapping.InputColumnsFor(needed), rand);
        var capacity = mapping.RowsPerCompute;
        foreach (var column in needed.Where(c => !mapping.IsAdded(c)))
        {
            _passThrough[column.Index] = ColumnValueBuffer.Create(_input, mapping.InputSchema[column.Index], capacity);
        }

        if (needed.Any(mapping.IsAdded))
        {
            _processor = mapping.CreateProcessor(_input, capacity);
        }

        _inputIdGetter = _input.GetIdGetter();
        _ids = new DataViewRowId[capacity];
    }

    public override DataViewSchema Schema => _mapping.OutputSchema;

    public override long Position => _position;

    public override long Batch => _input.Batch;

    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    public override ValueGetter<DataViewRowId> GetIdGetter()
        => (ref DataViewRowId value) => value = _ids[_slot];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active[column.Index])
        {
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when this cursor was created.");
        }

        var getter = _mapping.IsAdded(column)
            ? _processor!.CreateGetter(_mapping.AddedIndex(column), CurrentSlot)
            : _passThrough[column.Index].CreateGetter(CurrentSlot);
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException(
                $"Column '{column.Name}' holds {column.Type} ({column.Type.RawType.Name}); it was requested as {typeof(TValue).Name}.");
    }

    public override bool MoveNext()
    {
        if (_slot + 1 >= _filled && !Refill())
        {
            return false;
        }

        _slot++;
        _position++;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
        }

        base.Dispose(disposing);
    }

    private int CurrentSlot()
    {
        if (_slot < 0 || _slot >= _filled)
        {
            throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
        }

        return _slot;
    }

    private bool Refill()
    {
        _slot = -1;
        _filled = 0;
        while (_filled < _ids.Length && _input.MoveNext())
        {
            _inputIdGetter(ref _ids[_filled]);
            foreach (var buffer in _passThrough.Values)
            {
                buffer.Read(_filled);
            }

            _processor?.ReadRow(_filled);
            _filled++;
        }

        if (_filled == 0)
        {
            return false;
        }

        _processor?.Compute(_filled);
        return true;
    }
}
