using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>The GELU variants ORT's contrib ops compute.</summary>
internal enum GeluForm
{
    /// <summary>x·Φ(x) with the exact normal CDF (Gelu, BiasGelu).</summary>
    Erf,
    /// <summary>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (FastGelu).</summary>
    Tanh,
    /// <summary>x·sigmoid(alpha·x) (QuickGelu).</summary>
    Quick,
}

/// <summary>
/// y = gelu(x + bias) over one row, one fused vector pass (Vector&lt;float&gt;: 256-bit on AVX2, 128-bit on NEON).
/// Φ uses Abramowitz–Stegun 7.1.26 for erfc (absolute error below 1.5e-7) written so negative x has no cancellation:
/// Φ(x) = ½·q for x &lt; 0 and 1 − ½·q for x ≥ 0, with q = erfc(|x|/√2).
/// The tanh form is x / (1 + e^(−2u)), the same function without a separate tanh.
/// </summary>
internal static class GeluMath
{
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float P = 0.3275911f;
    private const float A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;
    private const float TanhC = 0.7978845608028654f;        // √(2/π)
    private const float TanhA = 0.035677408136300125f;      // 0.044715·√(2/π)

    /// <summary>y[i] = gelu(x[i] + bias[i]); <paramref name="bias"/> empty for none, else as long as the row.</summary>
    public static void Row(GeluForm form, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, float alpha)
    {
        switch (form)
        {
            case GeluForm.Erf: ErfRow(x, bias, y); break;
            case GeluForm.Tanh: TanhRow(x, bias, y); break;
            default: QuickRow(x, bias, y, alpha); break;
        }
    }

    private static void ErfRow(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        bool hasBias = !bias.IsEmpty;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rb = ref MemoryMarshal.GetReference(bias);
        ref float ry = ref MemoryMarshal.GetReference(y);
        int w = Vector<float>.Count, i = 0;
        for (; i <= x.Length - w; i += w)
        {
            Vector<float> v = Vector.LoadUnsafe(ref rx, (nuint)i);
            if (hasBias)
                v += Vector.LoadUnsafe(ref rb, (nuint)i);
            Vector.StoreUnsafe(v * Cdf(v), ref ry, (nuint)i);
        }
        for (; i < x.Length; i++)
        {
            float v = hasBias ? x[i] + bias[i] : x[i];
            y[i] = v * Cdf(v);
        }
    }

    private static void TanhRow(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
    {
        bool hasBias = !bias.IsEmpty;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rb = ref MemoryMarshal.GetReference(bias);
        ref float ry = ref MemoryMarshal.GetReference(y);
        int w = Vector<float>.Count, i = 0;
        for (; i <= x.Length - w; i += w)
        {
            Vector<float> v = Vector.LoadUnsafe(ref rx, (nuint)i);
            if (hasBias)
                v += Vector.LoadUnsafe(ref rb, (nuint)i);
            Vector<float> u = v * Vector.FusedMultiplyAdd(v * v, new Vector<float>(TanhA), new Vector<float>(TanhC));
            Vector.StoreUnsafe(v / (Vector<float>.One + Vector.Exp(u * new Vector<float>(-2f))), ref ry, (nuint)i);
        }
        for (; i < x.Length; i++)
        {
            float v = hasBias ? x[i] + bias[i] : x[i];
            float u = v * (TanhC + TanhA * v * v);
            y[i] = v / (1f + MathF.Exp(-2f * u));
        }
    }

    private static void QuickRow(ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, float alpha)
    {
        bool hasBias = !bias.IsEmpty;
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rb = ref MemoryMarshal.GetReference(bias);
        ref float ry = ref MemoryMarshal.GetReference(y);
        int w = Vector<float>.Count, i = 0;
        for (; i <= x.Length - w; i += w)
        {
            Vector<float> v = Vector.LoadUnsafe(ref rx, (nuint)i);
            if (hasBias)
                v += Vector.LoadUnsafe(ref rb, (nuint)i);
            Vector.StoreUnsafe(v / (Vector<float>.One + Vector.Exp(v * new Vector<float>(-alpha))), ref ry, (nuint)i);
        }
        for (; i < x.Length; i++)
        {
            float v = hasBias ? x[i] + bias[i] : x[i];
            y[i] = v / (1f + MathF.Exp(-alpha * v));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Cdf(Vector<float> x)
    {
        Vector<float> z = Vector.Abs(x) * new Vector<float>(InvSqrt2);
        Vector<float> t = Vector<float>.One / Vector.FusedMultiplyAdd(z, new Vector<float>(P), Vector<float>.One);
        Vector<float> poly = Vector.FusedMultiplyAdd(t, new Vector<float>(A5), new Vector<float>(A4));
        poly = Vector.FusedMultiplyAdd(poly, t, new Vector<float>(A3));
        poly = Vector.FusedMultiplyAdd(poly, t, new Vector<float>(A2));
        poly = Vector.FusedMultiplyAdd(poly, t, new Vector<float>(A1));
        Vector<float> halfQ = poly * t * Vector.Exp(-(z * z)) * new Vector<float>(0.5f);
        return Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), halfQ, Vector<float>.One - halfQ);
    }

    private static float Cdf(float x)
    {
        float z = MathF.Abs(x) * InvSqrt2;
        float t = 1f / (1f + P * z);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        float halfQ = 0.5f * poly * MathF.Exp(-z * z);
        return x < 0 ? halfQ : 1f - halfQ;
    }
}
