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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(ExpMin)), Vector256.Create(ExpMax));
        Vector256<float> n = Vector256.Round(x * Vector256.Create(Log2E));
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        Vector256<float> p = Vector256.Create(1f / 5040f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 720f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 120f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 24f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 6f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f));
        Vector256<float> scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
        return p * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GeluErf(Vector256<float> x)
    {
        Vector256<float> halfErfc = HalfErfc(Vector256.Abs(x) * Vector256.Create(InvSqrt2));
        Vector256<float> phi = Vector256.ConditionalSelect(
            Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero), Vector256.Create(1f) - halfErfc, halfErfc);
        return x * phi;
    }

    /// <summary>½·erfc(z) for z ≥ 0 (z clamped to <see cref="ZMax"/>, so the result stays a normal float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> HalfErfc(Vector256<float> z)
    {
        z = Vector256.Min(z, Vector256.Create(ZMax));
        Vector256<float> t = Vector256.Create(1f) / Vector256.FusedMultiplyAdd(z, Vector256.Create(0.5f), Vector256.Create(1f));
        Vector256<float> p = Vector256.Create(E9);
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(E8));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(E7));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(E6));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(E5));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(E4));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(E3));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(E2));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(E1));
        p = Vector256.FusedMultiplyAdd(p, t, Vector256.Create(E0));
        return Vector256.Create(0.5f) * t * Exp(p - z * z);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GeluTanh(Vector256<float> x)
    {
        Vector256<float> u = Vector256.Create(SqrtTwoOverPi) * Vector256.FusedMultiplyAdd(Vector256.Create(0.044715f) * x * x, x, x);
        return x / (Vector256.Create(1f) + Exp(Vector256.Create(-2f) * u));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(ExpMin)), Vector128.Create(ExpMax));
        Vector128<float> n = Vector128.Round(x * Vector128.Create(Log2E));
        Vector128<float> r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Hi), x);
        r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-Ln2Lo), r);
        Vector128<float> p = Vector128.Create(1f / 5040f);
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(1f / 720f));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(1f / 120f));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(1f / 24f));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(1f / 6f));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(0.5f));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(1f));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(1f));
        Vector128<float> scale = Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();
        return p * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> GeluErf(Vector128<float> x)
    {
        Vector128<float> halfErfc = HalfErfc(Vector128.Abs(x) * Vector128.Create(InvSqrt2));
        Vector128<float> phi = Vector128.ConditionalSelect(
            Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero), Vector128.Create(1f) - halfErfc, halfErfc);
        return x * phi;
    }

    /// <summary>½·erfc(z) for z ≥ 0 (z clamped to <see cref="ZMax"/>, so the result stays a normal float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> HalfErfc(Vector128<float> z)
    {
        z = Vector128.Min(z, Vector128.Create(ZMax));
        Vector128<float> t = Vector128.Create(1f) / Vector128.FusedMultiplyAdd(z, Vector128.Create(0.5f), Vector128.Create(1f));
        Vector128<float> p = Vector128.Create(E9);
        p = Vector128.FusedMultiplyAdd(p, t, Vector128.Create(E8));
        p = Vector128.FusedMultiplyAdd(p, t, Vector128.Create(E7));
        p = Vector128.FusedMultiplyAdd(p, t, Vector128.Create(E6));
        p = Vector128.FusedMultiplyAdd(p, t, Vector128.Create(E5));
        p = Vector128.FusedMultiplyAdd(p, t, Vector128.Create(E4));
        p = Vector128.FusedMultiplyAdd(p, t, Vector128.Create(E3));
        p = Vector128.FusedMultiplyAdd(p, t, Vector128.Create(E2));
        p = Vector128.FusedMultiplyAdd(p, t, Vector128.Create(E1));
        p = Vector128.FusedMultiplyAdd(p, t, Vector128.Create(E0));
        return Vector128.Create(0.5f) * t * Exp(p - z * z);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> GeluTanh(Vector128<float> x)
    {
        Vector128<float> u = Vector128.Create(SqrtTwoOverPi) * Vector128.FusedMultiplyAdd(Vector128.Create(0.044715f) * x * x, x, x);
        return x / (Vector128.Create(1f) + Exp(Vector128.Create(-2f) * u));
    }

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

    /// <summary>row[0..count) = GELU(row), Vector256 where the CPU has it, then the scalar form for the tail.</summary>
    /// <remarks>Fully optimized from its first call: GEMM tiles call it for one short row at a time, too few loop
    /// iterations for on-stack replacement, so a tiered start would run the vector code unexpanded for a while.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Apply(float* row, int count, GemmActivation activation)
    {
        if (activation == GemmActivation.None)
            return;
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + 8 <= count; j += 8)
            {
                Vector256<float> v = Vector256.Load(row + j);
                (activation == GemmActivation.GeluErf ? GeluErf(v) : GeluTanh(v)).Store(row + j);
            }
        }
        for (; j < count; j++)
            row[j] = activation == GemmActivation.GeluErf ? GeluErf(row[j]) : GeluTanh(row[j]);
    }
}
