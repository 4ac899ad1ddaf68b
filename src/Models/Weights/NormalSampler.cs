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

    /// <summary>Natural log for s in (0, 1): s = m * 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh((m-1)/(m+1)).</summary>
    internal static double PortableLog(double s)
    {
        int exponent = 0;
        double m = s;
        while (m < 0.70710678118654752)
        {
            m *= 2.0;
            exponent--;
        }
        double t = (m - 1.0) / (m + 1.0);
        double t2 = t * t;
        // |t| <= 0.1716, so terms up to t^21 leave an error below 1e-17.
        double sum = 0.0;
        for (int k = 21; k >= 1; k -= 2)
            sum = sum * t2 + 1.0 / k;
        return exponent * 0.69314718055994531 + 2.0 * t * sum;
    }
}
