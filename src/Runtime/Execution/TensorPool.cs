using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace MlNetGraviton.Runtime.Execution;

/// <summary>
/// Arrays kept between runs, keyed by element type and exact length (a tensor's array is exactly its element count).
/// A transformer graph repeats the same few sizes every layer and every run, so after warm-up a run finds what it
/// needs here instead of allocating. Thread-safe; concurrent runs simply hold more arrays at once.
/// The pool knows every array it allocated, so a run's outputs can come back once the caller is done with them
/// (<see cref="Return"/>): a caller's own arrays, and an array already returned, are refused.
/// </summary>
internal sealed class TensorPool
{
    private readonly ConcurrentDictionary<(TensorElementType, int), ConcurrentBag<Array>> _free = new();
    private readonly ConditionalWeakTable<Array, Ownership> _owned = new();

    public Array Rent(TensorElementType type, int length)
    {
        if (_free.TryGetValue((type, length), out ConcurrentBag<Array>? bag) && bag.TryTake(out Array? array))
        {
            if (_owned.TryGetValue(array, out Ownership? ownership))
                Volatile.Write(ref ownership.Free, 0);
            return array;
        }
        Array created = type switch
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
        _owned.AddOrUpdate(created, new Ownership(type));
        return created;
    }

    /// <summary>
    /// Takes back an array of a run (an intermediate, or an output the caller hands back) when this pool allocated it
    /// with <paramref name="type"/> and it is not already free; false otherwise (a caller's array, another pool's, or a
    /// second return of the same one).
    /// </summary>
    public bool Return(TensorElementType type, Array array)
    {
        if (!_owned.TryGetValue(array, out Ownership? ownership) || ownership.Type != type ||
            Interlocked.Exchange(ref ownership.Free, 1) != 0)
            return false;
        _free.GetOrAdd((type, array.Length), _ => new ConcurrentBag<Array>()).Add(array);
        return true;
    }

    private sealed class Ownership(TensorElementType type)
    {
        public readonly TensorElementType Type = type;
        public int Free;
    }
}
