using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGraviton.Pipeline.Mapping;

/// <summary>
/// Holds a pass-through input column's values for every row of a batch, because the input cursor
/// has moved past a row by the time the batch's outputs are read.
/// </summary>
internal abstract class ColumnValueBuffer
{
    public abstract void Read(int slot);

    public abstract Delegate CreateGetter(Func<int> currentSlot);

    public static ColumnValueBuffer Create(DataViewRow input, DataViewSchema.Column column, int capacity)
    {
        var raw = column.Type.RawType;
        var buffer = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(VectorValueBuffer<>).MakeGenericType(raw.GetGenericArguments()[0])
            : typeof(ScalarValueBuffer<>).MakeGenericType(raw);
        return (ColumnValueBuffer)Activator.CreateInstance(buffer, input, column, capacity)!;
    }

    private sealed class ScalarValueBuffer<T> : ColumnValueBuffer
    {
        private readonly ValueGetter<T> _getter;
        private readonly T[] _values;

        public ScalarValueBuffer(DataViewRow input, DataViewSchema.Column column, int capacity)
        {
            _getter = input.GetGetter<T>(column);
            _values = new T[capacity];
        }

        public override void Read(int slot) => _getter(ref _values[slot]);

        public override Delegate CreateGetter(Func<int> currentSlot)
            => (ValueGetter<T>)((ref T value) => value = _values[currentSlot()]);
    }

    private sealed class VectorValueBuffer<T> : ColumnValueBuffer
    {
        private readonly ValueGetter<VBuffer<T>> _getter;
        private readonly VBuffer<T>[] _values;
        private VBuffer<T> _scratch;

        public VectorValueBuffer(DataViewRow input, DataViewSchema.Column column, int capacity)
        {
            _getter = input.GetGetter<VBuffer<T>>(column);
            _values = new VBuffer<T>[capacity];
        }

        // Deep copies: the upstream getter may reuse its buffers for the next row.
        public override void Read(int slot)
        {
            _getter(ref _scratch);
            _scratch.CopyTo(ref _values[slot]);
        }

        public override Delegate CreateGetter(Func<int> currentSlot)
            => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => _values[currentSlot()].CopyTo(ref value));
    }
}
