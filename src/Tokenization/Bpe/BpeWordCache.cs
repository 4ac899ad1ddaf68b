namespace MlNetGraviton.Tokenization.Bpe;

/// <summary>
/// Merged tokens of recently seen pre-tokenized words, shared by all threads: a least-recently-used cache split into
/// shards, each with its own lock, so threads rarely wait on each other. A hit moves the word to the front of its
/// shard; a full shard drops its least recently used word (reusing its list node). Long words are not cached.
/// </summary>
internal sealed class BpeWordCache
{
    public const int Capacity = 10_000;
    public const int MaxWordLength = 64;
    private const int DefaultShards = 16;

    private readonly Shard[] _shards;

    public BpeWordCache()
        : this(Capacity, DefaultShards)
    {
    }

    /// <summary>A cache of <paramref name="capacity"/> words over <paramref name="shards"/> independently locked parts.</summary>
    internal BpeWordCache(int capacity, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, shards);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        _shards = new Shard[shards];
        for (int i = 0; i < shards; i++)
            _shards[i] = new Shard(capacity / shards);
    }

    /// <summary>Number of words cached now.</summary>
    internal int Count
    {
        get
        {
            int count = 0;
            foreach (Shard shard in _shards)
            {
                lock (shard.Order)
                    count += shard.Order.Count;
            }
            return count;
        }
    }

    /// <summary>Cached result: token ids followed by each token's length in bytes.</summary>
    public bool TryGet(ReadOnlySpan<char> word, out int[] merged)
    {
        Shard shard = ShardOf(word);
        lock (shard.Order)
        {
            if (shard.Lookup.TryGetValue(word, out LinkedListNode<Entry>? node))
            {
                if (node != shard.Order.First)
                {
                    shard.Order.Remove(node);
                    shard.Order.AddFirst(node);
                }
                merged = node.Value.Merged;
                return true;
            }
        }
        merged = null!;
        return false;
    }

    public void Add(ReadOnlySpan<char> word, int[] merged)
    {
        if (word.Length > MaxWordLength)
            return;
        Shard shard = ShardOf(word);
        lock (shard.Order)
        {
            if (shard.Lookup.ContainsKey(word))
                return;
            string key = word.ToString();
            LinkedListNode<Entry> node;
            if (shard.Order.Count >= shard.Capacity)
            {
                node = shard.Order.Last!;
                shard.Order.RemoveLast();
                shard.Words.Remove(node.Value.Word);
                node.Value = new Entry(key, merged);
            }
            else
            {
                node = new LinkedListNode<Entry>(new Entry(key, merged));
            }
            shard.Order.AddFirst(node);
            shard.Words.Add(key, node);
        }
    }

    private Shard ShardOf(ReadOnlySpan<char> word) =>
        _shards[(int)((uint)string.GetHashCode(word, StringComparison.Ordinal) % (uint)_shards.Length)];

    private readonly record struct Entry(string Word, int[] Merged);

    private sealed class Shard
    {
        public Shard(int capacity)
        {
            Capacity = capacity;
            Lookup = Words.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public int Capacity { get; }

        /// <summary>Most recently used first; also the shard's lock.</summary>
        public LinkedList<Entry> Order { get; } = new();

        public Dictionary<string, LinkedListNode<Entry>> Words { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, LinkedListNode<Entry>>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }
    }
}
