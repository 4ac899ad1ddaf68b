using System.Numerics;
using System.Runtime.CompilerServices;

namespace MlNetGraviton.Runtime.Ops.Elementwise;

/// <summary>
/// erf in float, vectorised: Abramowitz and Stegun 7.1.26, erf(x) = 1 − t·P(t)·e^(−x²) with t = 1/(1 + p|x|),
/// absolute error below 1.5e-7 — well inside fp32 parity with ONNX Runtime's own polynomial.
/// </summary>
internal static class ErfMath
{
    private const float P = 0.3275911f;
    private const float A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;

    public static void Erf(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            for (; i <= x.Length - width; i += width)
                Erf(new Vector<float>(x.Slice(i))).CopyTo(y.Slice(i));
        }
        for (; i < x.Length; i++)
            y[i] = Erf(x[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Erf(Vector<float> x)
    {
        Vector<float> ax = Vector.Abs(x);
        Vector<float> t = Vector<float>.One / (Vector<float>.One + new Vector<float>(P) * ax);
        Vector<float> poly = ((((new Vector<float>(A5) * t + new Vector<float>(A4)) * t + new Vector<float>(A3)) * t + new Vector<float>(A2)) * t
            + new Vector<float>(A1)) * t;
        Vector<float> r = Vector<float>.One - poly * Vector.Exp(-(ax * ax));
        return Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), -r, r);
    }

    public static float Erf(float x)
    {
        float ax = MathF.Abs(x);
        float t = 1f / (1f + P * ax);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        float r = 1f - poly * MathF.Exp(-ax * ax);
        return x < 0 ? -r : r;
    }
}
