using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGraviton.Pipeline.Mapping;

/// <summary>Per-slot dense vectors of one added column, handed out as <see cref="VBuffer{T}"/>.</summary>
internal sealed class VectorOutputs<T>
{
    private readonly T[][] _slots;

    public VectorOutputs(int capacity)
    {
        _slots = new T[capacity][];
        Array.Fill(_slots, []);
    }

    public T[] this[int slot]
    {
        get => _slots[slot];
        set => _slots[slot] = value;
    }

    public ValueGetter<VBuffer<T>> CreateGetter(Func<int> currentSlot)
        => (ref VBuffer<T> value) =>
        {
            var source = _slots[currentSlot()];
            var editor = VBufferEditor.Create(ref value, source.Length);
            source.AsSpan().CopyTo(editor.Values);
            value = editor.Commit();
        };
}
