using System.Collections.Concurrent;

namespace MlNetGraviton.Tokenization.Bpe;

/// <summary>
/// Merged tokens of recently seen pre-tokenized words, shared by all threads. Bounded: when it holds
/// <see cref="Capacity"/> words it is emptied and refills with the words in use (cheaper than LRU bookkeeping on
/// every hit, and natural text repeats its common words quickly). Long words are not cached.
/// </summary>
internal sealed class BpeWordCache
{
    public const int Capacity = 10_000;
    public const int MaxWordLength = 64;

    private readonly ConcurrentDictionary<string, int[]> _words = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public BpeWordCache()
    {
        _lookup = _words.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Cached result: token ids followed by each token's length in bytes.</summary>
    public bool TryGet(ReadOnlySpan<char> word, out int[] merged) => _lookup.TryGetValue(word, out merged!);

    public void Add(ReadOnlySpan<char> word, int[] merged)
    {
        if (word.Length > MaxWordLength)
        {
            return;
        }

        if (_words.Count >= Capacity)
        {
            _words.Clear();
        }

        _lookup.TryAdd(word, merged);
    }
}
