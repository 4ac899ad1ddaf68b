using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// GELU for the SGEMM epilogues, as always-inlined helpers so the micro-kernels stay leaf methods.
/// <para>
/// Erf form: Φ(x) = ½·erfc(−x/√2) with erfc(z) = t·exp(−z² + P(t)), t = 1/(1 + z/2), z ≥ 0 (the Chebyshev fit from
/// Numerical Recipes, fractional error below 1.2e-7 for every z). For x ≥ 0, Φ = 1 − ½·erfc(z).
/// </para>
/// <para>Tanh form: 0.5·x·(1 + tanh(u)) = x·sigmoid(2u) = x / (1 + exp(−2u)).</para>
/// <para>Accuracy (both forms, checked by the tests against double math): relative error ≤ 1e-6 for x ≥ 0; for x &lt; 0
/// ≤ 1e-6 + 2e-7·x², because exp's argument (≈ x²/2 for erf, ≈ 1.6|x| + 0.07|x|³ for tanh) is rounded to float first;
/// for x ≤ −8 the output is below 1e-14 in magnitude and the error is absolute, ≤ 1e-7·|x|.
/// </para>
/// <para>exp: Cody–Waite reduction to |r| ≤ ln2/2, degree-7 Taylor polynomial (truncation below 1e-8 relative), input
/// clamped to [−87, 88] so the result stays a normal float.</para>
/// </summary>
internal static class SgemmActivationMath
{
    private const float Log2E = 1.44269504f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float ExpMin = -87f;
    private const float ExpMax = 88f;
    private const float InvSqrt2 = 0.70710678f;
    private const float SqrtTwoOverPi = 0.7978845608f;

    // |x|/√2 is clamped here: beyond it ½·erfc is below 2e-37 (Φ is exactly 1 in float for x ≥ 6, and x·Φ(x) under
    // 1e-35 for x ≤ −12.7), and a larger z would push t·exp(−z² + P) into denormals, which cost a microcode assist each.
    private const float ZMax = 9f;

    // Numerical Recipes erfcc: erfc(z) = t·exp(−z² − 1.26551223 + t·(1.00002368 + t·(…))).
    private const float E0 = -1.26551223f, E1 = 1.00002368f, E2 = 0.37409196f, E3 = 0.09678418f, E4 = -0.18628806f;
    private const float E5 = 0.27886807f, E6 = -1.13520398f, E7 = 1.48851587f, E8 = -0.82215223f, E9 = 0.17087277f;

    /// <summary>e^x, x clamped to [−87, 88] (the result stays a normal float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct
    {
        // The platform's max and min (the IEEE forms cost three instructions each on x86). Constant first: x86 returns
        // the second operand when either is NaN, so a NaN argument stays NaN, as Arm's FMAX and FMIN keep it.
        x = TL.MinNative(TL.Create(ExpMax), TL.MaxNative(TL.Create(ExpMin), x));
        TV n = TL.Round(TL.Multiply(x, TL.Create(Log2E)));
        TV r = TL.MultiplyAdd(n, TL.Create(-Ln2Hi), x);
        r = TL.MultiplyAdd(n, TL.Create(-Ln2Lo), r);
        TV p = TL.Create(1f / 5040f);
        p = TL.MultiplyAdd(p, r, TL.Create(1f / 720f));
        p = TL.MultiplyAdd(p, r, TL.Create(1f / 120f));
        p = TL.MultiplyAdd(p, r, TL.Create(1f / 24f));
        p = TL.MultiplyAdd(p, r, TL.Create(1f / 6f));
        p = TL.MultiplyAdd(p, r, TL.Create(0.5f));
        p = TL.MultiplyAdd(p, r, TL.Create(1f));
        p = TL.MultiplyAdd(p, r, TL.Create(1f));
        return TL.MultiplyByPow2(p, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV GeluErf<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct
    {
        TV halfErfc = HalfErfc<TL, TV>(TL.Multiply(TL.Abs(x), TL.Create(InvSqrt2)));
        return TL.Multiply(x, TL.SelectNonNegative(x, TL.Subtract(TL.Create(1f), halfErfc), halfErfc));
    }

    /// <summary>½·erfc(z) for z ≥ 0 (z clamped to <see cref="ZMax"/>, so the result stays a normal float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV HalfErfc<TL, TV>(TV z) where TL : IFloatLanes<TV> where TV : struct
    {
        z = TL.MinNative(TL.Create(ZMax), z); // NaN stays NaN (see Exp)
        TV t = TL.Divide(TL.Create(1f), TL.MultiplyAdd(z, TL.Create(0.5f), TL.Create(1f)));
        TV p = TL.Create(E9);
        p = TL.MultiplyAdd(p, t, TL.Create(E8));
        p = TL.MultiplyAdd(p, t, TL.Create(E7));
        p = TL.MultiplyAdd(p, t, TL.Create(E6));
        p = TL.MultiplyAdd(p, t, TL.Create(E5));
        p = TL.MultiplyAdd(p, t, TL.Create(E4));
        p = TL.MultiplyAdd(p, t, TL.Create(E3));
        p = TL.MultiplyAdd(p, t, TL.Create(E2));
        p = TL.MultiplyAdd(p, t, TL.Create(E1));
        p = TL.MultiplyAdd(p, t, TL.Create(E0));
        return TL.Multiply(TL.Multiply(TL.Create(0.5f), t), Exp<TL, TV>(TL.Subtract(p, TL.Multiply(z, z))));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV GeluTanh<TL, TV>(TV x) where TL : IFloatLanes<TV> where TV : struct
    {
        TV u = TL.Multiply(TL.Create(SqrtTwoOverPi), TL.MultiplyAdd(TL.Multiply(TL.Multiply(TL.Create(0.044715f), x), x), x, x));
        return TL.Divide(x, TL.Add(TL.Create(1f), Exp<TL, TV>(TL.Multiply(TL.Create(-2f), u))));
    }

    // The fixed-width entry points the register-tile epilogues and the tests call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> GeluErf(Vector128<float> x) => GeluErf<Lanes128, Vector128<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> GeluTanh(Vector128<float> x) => GeluTanh<Lanes128, Vector128<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> GeluErf(Vector256<float> x) => GeluErf<Lanes256, Vector256<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> GeluTanh(Vector256<float> x) => GeluTanh<Lanes256, Vector256<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> GeluErf(Vector512<float> x) => GeluErf<Lanes512, Vector512<float>>(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> GeluTanh(Vector512<float> x) => GeluTanh<Lanes512, Vector512<float>>(x);

    /// <summary>Scalar twin of the vector forms, for the scalar kernel (same formulas, MathF.Exp).</summary>
    public static float GeluErf(float x)
    {
        float z = MathF.Min(MathF.Abs(x) * InvSqrt2, ZMax);
        float t = 1f / (1f + 0.5f * z);
        float p = E9;
        p = p * t + E8; p = p * t + E7; p = p * t + E6; p = p * t + E5;
        p = p * t + E4; p = p * t + E3; p = p * t + E2; p = p * t + E1; p = p * t + E0;
        float halfErfc = 0.5f * t * MathF.Exp(Math.Max(p - z * z, ExpMin));
        return x * (x >= 0 ? 1f - halfErfc : halfErfc);
    }

    public static float GeluTanh(float x)
    {
        float u = SqrtTwoOverPi * (x + 0.044715f * x * x * x);
        return x / (1f + MathF.Exp(Math.Min(-2f * u, ExpMax)));
    }

    /// <summary>
    /// row[0..count) = GELU(row): Vector512 steps where the JIT accelerates them, then Vector256, then Vector128, then
    /// the scalar form for the tail. The vector widths give the same bits per element, so where a column lands only
    /// matters for the last count % 4 columns: the same (row, count) always gives the same result.
    /// </summary>
    /// <remarks>Fully optimized from its first call: GEMM tiles call it for one short row at a time, too few loop
    /// iterations for on-stack replacement, so a tiered start would run the vector code unexpanded for a while.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Apply(float* row, int count, GemmActivation activation)
    {
        if (activation == GemmActivation.None)
            return;
        bool erf = activation == GemmActivation.GeluErf;
        int j = 0;
        ApplyVectors<Lanes512, Vector512<float>>(row, count, erf, ref j);
        ApplyVectors<Lanes256, Vector256<float>>(row, count, erf, ref j);
        ApplyVectors<Lanes128, Vector128<float>>(row, count, erf, ref j);
        for (; j < count; j++)
            row[j] = erf ? GeluErf(row[j]) : GeluTanh(row[j]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void ApplyVectors<TL, TV>(float* row, int count, bool erf, ref int j) where TL : IFloatLanes<TV> where TV : struct
    {
        if (!TL.IsAccelerated)
            return;
        int width = TL.Count, i = j;
        if (erf)
        {
            // Two vectors a step: each GELU is one long dependent chain, and two interleave in the pipelines.
            for (; i + 2 * width <= count; i += 2 * width)
            {
                TV x0 = TL.Load(row + i), x1 = TL.Load(row + i + width);
                TL.Store(GeluErf<TL, TV>(x0), row + i);
                TL.Store(GeluErf<TL, TV>(x1), row + i + width);
            }
            for (; i + width <= count; i += width)
                TL.Store(GeluErf<TL, TV>(TL.Load(row + i)), row + i);
        }
        else
        {
            for (; i + 2 * width <= count; i += 2 * width)
            {
                TV x0 = TL.Load(row + i), x1 = TL.Load(row + i + width);
                TL.Store(GeluTanh<TL, TV>(x0), row + i);
                TL.Store(GeluTanh<TL, TV>(x1), row + i + width);
            }
            for (; i + width <= count; i += width)
                TL.Store(GeluTanh<TL, TV>(TL.Load(row + i)), row + i);
        }
        j = i;
    }
}
