using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// One attention row's softmax in two passes over the row (three when it divides): the mask added while the maximum is
/// found, then exp(x − max) stored and summed. exp: Cody–Waite reduction to |r| ≤ ln2/2 and a degree-7 Taylor polynomial
/// (relative error a few ulp, like the SGEMM epilogue's); below −87.3, where float exp is denormal (at most 1.2e-38 of
/// the row's largest weight) or 0, it is 0, so masked keys weigh nothing. NaN propagates. Vector512 where the JIT
/// accelerates it (the AVX-512 attention path), scalar MathF.Exp otherwise.
/// </summary>
internal static class SoftmaxRow
{
    private const float Log2E = 1.44269504f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    private const float Underflow = -87.33654f; // ln(2⁻¹²⁶): below it expf is denormal or 0
    private const float Overflow = 88.72283f;

    /// <summary>x = exp(x + add − max(x + add)) in place (<paramref name="add"/> empty: no mask); returns Σ.</summary>
    public static float ExpInPlace(Span<float> x, ReadOnlySpan<float> add)
    {
        if (x.IsEmpty)
            return 0f;
        if (!add.IsEmpty && add.Length < x.Length)
            throw new ArgumentException($"mask row has {add.Length} values, the scores {x.Length}", nameof(add));
        ref float p = ref x[0];
        int n = x.Length, i = 0;
        float max = float.NegativeInfinity;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> vmax = Vector512.Create(float.NegativeInfinity);
            for (; i <= n - 16; i += 16)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref p, (nuint)i);
                if (!add.IsEmpty)
                {
                    v += Vector512.LoadUnsafe(ref Unsafe.AsRef(in add[0]), (nuint)i);
                    v.StoreUnsafe(ref p, (nuint)i);
                }
                vmax = Vector512.Max(vmax, v);
            }
            for (int l = 0; l < 16; l++)
                max = MathF.Max(max, vmax.GetElement(l));
        }
        for (; i < n; i++)
        {
            if (!add.IsEmpty)
                Unsafe.Add(ref p, i) += add[i];
            max = MathF.Max(max, Unsafe.Add(ref p, i));
        }
        if (float.IsNegativeInfinity(max) || float.IsNaN(max))
            max = 0f; // all keys excluded (or NaN): exp(x − 0) keeps −∞ → 0 and NaN → NaN, as the division then shows

        float sum = 0f;
        i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> vsum = Vector512<float>.Zero, vm = Vector512.Create(max);
            for (; i <= n - 16; i += 16)
            {
                Vector512<float> e = Exp(Vector512.LoadUnsafe(ref p, (nuint)i) - vm);
                e.StoreUnsafe(ref p, (nuint)i);
                vsum += e;
            }
            sum = Vector512.Sum(vsum);
        }
        for (; i < n; i++)
        {
            float e = MathF.Exp(Unsafe.Add(ref p, i) - max);
            Unsafe.Add(ref p, i) = e;
            sum += e;
        }
        return sum;
    }

    /// <summary>x *= <paramref name="factor"/> (the softmax's division, applied where the caller chooses).</summary>
    public static void Scale(Span<float> x, float factor)
    {
        if (x.IsEmpty)
            return;
        ref float p = ref x[0];
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> f = Vector512.Create(factor);
            for (; i <= n - 16; i += 16)
                (Vector512.LoadUnsafe(ref p, (nuint)i) * f).StoreUnsafe(ref p, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref p, i) *= factor;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp(Vector512<float> x)
    {
        Vector512<float> under = Vector512.LessThan(x, Vector512.Create(Underflow));
        Vector512<float> c = Vector512.Min(Vector512.Max(x, Vector512.Create(Underflow)), Vector512.Create(Overflow));
        Vector512<float> k = Vector512.Round(c * Vector512.Create(Log2E));
        Vector512<float> r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2Hi), c);
        r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-Ln2Lo), r);
        Vector512<float> q = Vector512.Create(1f / 5040f);
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(1f / 720f));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(1f / 120f));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(1f / 24f));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(1f / 6f));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(0.5f));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(1f));
        q = Vector512.FusedMultiplyAdd(q, r, Vector512.Create(1f));
        // 2^k in two halves, so k = 128 (x near the overflow bound) does not build an infinite scale.
        Vector512<int> ki = Vector512.ConvertToInt32(k);
        Vector512<int> k1 = Vector512.ShiftRightArithmetic(ki, 1), k2 = ki - k1;
        Vector512<float> s1 = Vector512.ShiftLeft(k1 + Vector512.Create(127), 23).AsSingle();
        Vector512<float> s2 = Vector512.ShiftLeft(k2 + Vector512.Create(127), 23).AsSingle();
        Vector512<float> e = q * s1 * s2;
        e = Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(Overflow)), Vector512.Create(float.PositiveInfinity), e);
        e = Vector512.ConditionalSelect(under, Vector512<float>.Zero, e);
        // NaN in, NaN out (the clamps and comparisons above do not promise it).
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), e, x);
    }
}
