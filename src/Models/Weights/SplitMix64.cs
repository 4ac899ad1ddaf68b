namespace MlNetGraviton.Models.Weights;

/// <summary>SplitMix64: a tiny, well-mixed 64-bit generator whose output is the same on every platform.</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong state = seed;

    public ulong Next()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in the open interval (-1, 1) with 53-bit resolution.</summary>
    public double NextSigned() => (((Next() >> 11) + 0.5) * (1.0 / (1UL << 53))) * 2.0 - 1.0;

    /// <summary>One mixing step as a pure function, used to derive independent stream seeds.</summary>
    public static ulong Mix(ulong value) => new SplitMix64(value).Next();
}
