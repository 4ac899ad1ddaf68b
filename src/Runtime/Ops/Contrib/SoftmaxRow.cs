using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    private const float OverflowClamp = 89f; // above ln(float.MaxValue) ≈ 88.72: every x past it gives 2^k·q = +∞

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
                // The platform's max: one instruction off the loop's dependency chain (the IEEE form is three). A NaN
                // score may then be dropped from the maximum; it still comes out NaN below, and so does Σ.
                vmax = Vector512.MaxNative(vmax, v);
            }
            max = HorizontalMax(vmax);
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

    /// <summary>The largest of the 16 lanes (IEEE max: a NaN lane gives NaN), in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float HorizontalMax(Vector512<float> v)
    {
        Vector256<float> h = Vector256.Max(v.GetLower(), v.GetUpper());
        Vector128<float> x = Vector128.Max(h.GetLower(), h.GetUpper());
        x = Vector128.Max(x, Vector128.Shuffle(x, Vector128.Create(2, 3, 0, 1)));
        x = Vector128.Max(x, Vector128.Shuffle(x, Vector128.Create(1, 0, 3, 2)));
        return x.ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Exp(Vector512<float> x)
    {
        // The platform's max and min, constant first: x86 returns the second operand when either is NaN, so NaN stays
        // NaN through every step below (the IEEE forms cost three instructions each). Above the clamp's top 2^k
        // overflows to +∞ in the scaling; below Underflow the result is set to 0.
        Vector512<float> c = Vector512.MinNative(Vector512.Create(OverflowClamp), Vector512.MaxNative(Vector512.Create(Underflow), x));
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
        Vector512<float> e;
        if (Avx512F.IsSupported)
        {
            e = Avx512F.Scale(q, k); // q·2^k in one instruction, exact up to IEEE overflow (+∞) and underflow
        }
        else
        {
            // 2^k in two halves, so k = 128 (x near the clamp's top) does not build an infinite scale from a finite q.
            Vector512<int> ki = Vector512.ConvertToInt32Native(k);
            Vector512<int> k1 = Vector512.ShiftRightArithmetic(ki, 1), k2 = ki - k1;
            e = q * Vector512.ShiftLeft(k1 + Vector512.Create(127), 23).AsSingle() * Vector512.ShiftLeft(k2 + Vector512.Create(127), 23).AsSingle();
        }
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(Underflow)), Vector512<float>.Zero, e);
    }
}
