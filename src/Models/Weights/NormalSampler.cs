namespace MlNetGraviton.Models.Weights;

/// <summary>
/// Standard normal samples by Marsaglia's polar method. The logarithm is computed here with plain
/// IEEE arithmetic (libm's log may differ in the last bit between platforms), so files are bit-identical everywhere.
/// </summary>
internal struct NormalSampler(ulong seed)
{
    private SplitMix64 rng = new(seed);
    private double spare;
    private bool hasSpare;

    public double Next()
    {
        if (hasSpare)
        {
            hasSpare = false;
            return spare;
        }
        double u, v, s;
        do
        {
            u = rng.NextSigned();
            v = rng.NextSigned();
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);
        double factor = Math.Sqrt(-2.0 * PortableLog(s) / s); // sqrt is correctly rounded by IEEE 754
        spare = v * factor;
        hasSpare = true;
        return u * factor;
    }

    /// <summary>1/k for odd k, computed once (IEEE division is exact-rounded, so the table is the same everywhere).</summary>
    private static readonly double[] OddReciprocals = [.. Enumerable.Range(0, 7).Select(i => 1.0 / (2 * i + 1))];

    /// <summary>Natural log for s in (0, 1): s = m * 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh((m-1)/(m+1)).</summary>
    internal static double PortableLog(double s)
    {
        // Split off the binary exponent exactly through the bit pattern (s is positive and normal here).
        long bits = BitConverter.DoubleToInt64Bits(s);
        int exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            exponent++;
        }
        double t = (m - 1.0) / (m + 1.0);
        double t2 = t * t;
        // |t| <= 0.1716, so terms up to t^13 leave a relative error below 1e-12, far below float resolution.
        double sum = 0.0;
        for (int i = OddReciprocals.Length - 1; i >= 0; i--)
            sum = sum * t2 + OddReciprocals[i];
        return exponent * 0.69314718055994531 + 2.0 * t * sum;
    }
}
