using System.Collections.Concurrent;

namespace MlNetGraviton.Runtime.Execution;

/// <summary>
/// Arrays kept between runs, keyed by element type and exact length (a tensor's array is exactly its element count).
/// A transformer graph repeats the same few sizes every layer and every run, so after warm-up a run finds what it
/// needs here instead of allocating. Thread-safe; concurrent runs simply hold more arrays at once.
/// </summary>
internal sealed class TensorPool
{
    private readonly ConcurrentDictionary<(TensorElementType, int), ConcurrentBag<Array>> _free = new();

    public Array Rent(TensorElementType type, int length)
    {
        if (_free.TryGetValue((type, length), out ConcurrentBag<Array>? bag) && bag.TryTake(out Array? array))
            return array;
        return type switch
        {
            TensorElementType.Float32 => GC.AllocateUninitializedArray<float>(length),
            TensorElementType.Float16 => GC.AllocateUninitializedArray<Half>(length),
            TensorElementType.Int64 => GC.AllocateUninitializedArray<long>(length),
            TensorElementType.Int32 => GC.AllocateUninitializedArray<int>(length),
            TensorElementType.Int8 => GC.AllocateUninitializedArray<sbyte>(length),
            TensorElementType.UInt8 => GC.AllocateUninitializedArray<byte>(length),
            TensorElementType.Bool => GC.AllocateUninitializedArray<bool>(length),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown element type"),
        };
    }

    public void Return(TensorElementType type, Array array) =>
        _free.GetOrAdd((type, array.Length), _ => new ConcurrentBag<Array>()).Add(array);
}
