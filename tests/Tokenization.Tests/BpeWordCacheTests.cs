using MlNetGraviton.Tokenization.Bpe;

namespace MlNetGraviton.Tokenization.Tests;

public sealed class BpeWordCacheTests
{
    [Fact]
    public void EvictsTheLeastRecentlyUsedWord()
    {
        var cache = new BpeWordCache(capacity: 2, shards: 1);
        cache.Add("alpha", [1]);
        cache.Add("beta", [2]);
        Assert.True(cache.TryGet("alpha", out _)); // alpha is now the most recent, beta the least
        cache.Add("gamma", [3]);

        Assert.False(cache.TryGet("beta", out _));
        Assert.True(cache.TryGet("alpha", out int[] a));
        Assert.Equal([1], a);
        Assert.True(cache.TryGet("gamma", out int[] g));
        Assert.Equal([3], g);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void WithoutHitsTheOldestWordGoesFirst()
    {
        var cache = new BpeWordCache(capacity: 3, shards: 1);
        foreach (string w in new[] { "a", "b", "c", "d", "e" })
            cache.Add(w, [w[0]]);
        Assert.False(cache.TryGet("a", out _));
        Assert.False(cache.TryGet("b", out _));
        Assert.All(new[] { "c", "d", "e" }, w => Assert.True(cache.TryGet(w, out _)));
    }

    [Fact]
    public void NeverHoldsMoreThanItsCapacityAndSkipsLongWords()
    {
        var cache = new BpeWordCache(capacity: 64, shards: 4);
        for (int i = 0; i < 1000; i++)
            cache.Add("w" + i, [i]);
        Assert.Equal(64, cache.Count);
        cache.Add(new string('x', BpeWordCache.MaxWordLength + 1), [0]);
        Assert.False(cache.TryGet(new string('x', BpeWordCache.MaxWordLength + 1), out _));
    }

    [Fact]
    public void ConcurrentUseReturnsTheValueStoredForEachWord()
    {
        var cache = new BpeWordCache(capacity: 256, shards: 16);
        Parallel.For(0, 8, t =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                int n = (i * 7919 + t) % 1000;
                string word = "w" + n;
                if (cache.TryGet(word, out int[] merged))
                    Assert.Equal(n, merged[0]);
                else
                    cache.Add(word, [n]);
            }
        });
        Assert.True(cache.Count <= 256);
    }
}
