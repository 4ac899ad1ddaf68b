using System.Runtime.CompilerServices;

namespace MlNetGraviton.Runtime.Execution;

/// <summary>
/// Arrays kept between runs, keyed by element type and exact length (a tensor's array is exactly its element count).
/// A transformer graph repeats the same few sizes every layer and every run, so after warm-up a run finds what it
/// needs here instead of allocating. Thread-safe; concurrent runs simply hold more arrays at once.
/// The pool knows every array it allocated, so a run's outputs can come back once the caller is done with them
/// (<see cref="Return"/>): a caller's own arrays, and an array already returned, are refused.
/// </summary>
/// <remarks>
/// What it keeps is bounded: every run's sequence length is a new set of sizes (an embedding job over texts of all
/// lengths sees hundreds), and keeping them all held gigabytes. Free arrays beyond <see cref="Budget"/> bytes go, the
/// sizes used longest ago first; the budget is twice the most any one run has had rented at once (at least
/// <see cref="MinimumBudget"/>), so runs of one shape still find everything they need.
/// </remarks>
internal sealed class TensorPool
{
    /// <summary>The least the pool keeps free, whatever the runs' sizes.</summary>
    public const long MinimumBudget = 64L << 20;

    private readonly long _minimumBudget;
    private readonly object _gate = new();
    private readonly Dictionary<(TensorElementType, int), Bucket> _free = [];
    private readonly ConditionalWeakTable<Array, Ownership> _owned = new();
    private long _clock;
    private long _freeBytes;
    private long _largestRun;

    public TensorPool()
        : this(MinimumBudget)
    {
    }

    /// <summary>A pool whose budget is at least <paramref name="minimumBudget"/> bytes (tests use small ones).</summary>
    internal TensorPool(long minimumBudget)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumBudget);
        _minimumBudget = minimumBudget;
    }

    /// <summary>Bytes of free arrays held now.</summary>
    public long FreeBytes
    {
        get
        {
            lock (_gate)
                return _freeBytes;
        }
    }

    /// <summary>Bytes of free arrays the pool keeps at most: 2 × the largest run (<see cref="NoteRun"/>), at least the minimum.</summary>
    public long Budget
    {
        get
        {
            lock (_gate)
                return BudgetLocked;
        }
    }

    public Array Rent(TensorElementType type, int length)
    {
        lock (_gate)
        {
            if (_free.TryGetValue((type, length), out Bucket? bucket) && bucket.Arrays.TryPop(out Array? array))
            {
                _freeBytes -= Bytes(type, length);
                bucket.LastUse = ++_clock; // an emptied bucket stays: the array comes back to it without an allocation
                if (_owned.TryGetValue(array, out Ownership? ownership))
                    ownership.Free = 0;
                return array;
            }
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
        lock (_gate)
        {
            if (!_owned.TryGetValue(array, out Ownership? ownership) || ownership.Type != type || ownership.Free != 0)
                return false;
            ownership.Free = 1;
            var key = (type, array.Length);
            if (!_free.TryGetValue(key, out Bucket? bucket))
                _free[key] = bucket = new Bucket();
            bucket.Arrays.Push(array);
            bucket.LastUse = ++_clock;
            _freeBytes += Bytes(type, array.Length);
            Trim(keep: key);
            return true;
        }
    }

    /// <summary>The most bytes any one run has had rented at once (<see cref="NoteRun"/>).</summary>
    public long LargestRun
    {
        get
        {
            lock (_gate)
                return _largestRun;
        }
    }

    /// <summary>A run had <paramref name="peakBytes"/> of this pool's arrays rented at once at its peak (it sizes the budget).</summary>
    public void NoteRun(long peakBytes)
    {
        lock (_gate)
            _largestRun = Math.Max(_largestRun, peakBytes);
    }

    /// <summary>Bytes an array of <paramref name="length"/> elements of <paramref name="type"/> holds.</summary>
    public static long Bytes(TensorElementType type, int length) => (long)length * type.SizeInBytes();

    // Under _gate.
    private long BudgetLocked => Math.Max(_minimumBudget, 2 * _largestRun);

    // Under _gate: drops whole sizes, used longest ago first, until the free bytes fit the budget; the size just returned stays.
    private void Trim((TensorElementType, int) keep)
    {
        long budget = BudgetLocked;
        while (_freeBytes > budget)
        {
            (TensorElementType Type, int Length) oldest = default;
            Bucket? victim = null;
            foreach (var (key, bucket) in _free)
            {
                if (key == keep)
                    continue;
                if (bucket.Arrays.Count == 0)
                    _free.Remove(key); // a size whose arrays are all out (or gone): forget it while scanning anyway
                else if (victim is null || bucket.LastUse < victim.LastUse)
                {
                    oldest = key;
                    victim = bucket;
                }
            }
            if (victim is null)
                return; // only the size just returned is left
            _freeBytes -= victim.Arrays.Count * Bytes(oldest.Type, oldest.Length);
            _free.Remove(oldest); // the arrays go to the GC; their Ownership stays "free", so a stray return is refused
        }
    }

    private sealed class Bucket
    {
        public readonly Stack<Array> Arrays = new();
        public long LastUse;
    }

    private sealed class Ownership(TensorElementType type)
    {
        public readonly TensorElementType Type = type;
        public int Free;
    }
}
