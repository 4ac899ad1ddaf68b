using System.Runtime.Intrinsics;
using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Fp32;

/// <summary>The epilogue's GELU against double math: the bounds stated in SgemmActivationMath's documentation.</summary>
public sealed class SgemmActivationMathTests
{
    private static IEnumerable<float> Points()
    {
        for (int i = -20000; i <= 20000; i++)
            yield return i * 0.0005f;           // [-10, 10] step 5e-4
        foreach (float x in new[] { -100f, -30f, -15f, 15f, 30f, 100f, 1e-20f, -1e-20f, 0f })
            yield return x;
    }

    [Theory]
    [InlineData(GemmActivation.GeluErf)]
    [InlineData(GemmActivation.GeluTanh)]
    public void Vector_and_scalar_gelu_match_double_math(GemmActivation activation)
    {
        double worstRel = 0;
        foreach (float x in Points())
        {
            double want = SgemmReference.Activate(x, activation);
            float v128 = activation == GemmActivation.GeluErf
                ? SgemmActivationMath.GeluErf(Vector128.Create(x)).GetElement(0)
                : SgemmActivationMath.GeluTanh(Vector128.Create(x)).GetElement(0);
            float v256 = activation == GemmActivation.GeluErf
                ? SgemmActivationMath.GeluErf(Vector256.Create(x)).GetElement(0)
                : SgemmActivationMath.GeluTanh(Vector256.Create(x)).GetElement(0);
            float v512 = activation == GemmActivation.GeluErf
                ? SgemmActivationMath.GeluErf(Vector512.Create(x)).GetElement(0)
                : SgemmActivationMath.GeluTanh(Vector512.Create(x)).GetElement(0);
            float scalar = activation == GemmActivation.GeluErf ? SgemmActivationMath.GeluErf(x) : SgemmActivationMath.GeluTanh(x);
            foreach ((string form, float got) in new[] { ("v128", v128), ("v256", v256), ("v512", v512), ("scalar", scalar) })
            {
                double err = Math.Abs(got - want);
                // Positive x: 1e-6 relative. Negative x: exp's argument (about x²/2 for erf, 1.6|x| + 0.07|x|³ for tanh)
                // carries a float rounding of ~6e-8 of its size into the result, so the relative bound widens with x².
                double rel = x >= 0 ? 1e-6 : 1e-6 + 2e-7 * (double)x * x;
                double tol = rel * Math.Abs(want) + 1e-37 + (x <= -8 ? 1e-7 * Math.Abs(x) : 0);
                Assert.True(err <= tol, $"{activation} {form} x={x}: got {got}, want {want}, err {err:g3} > {tol:g3}");
                if (x >= -1 && want != 0)
                    worstRel = Math.Max(worstRel, err / Math.Abs(want));
            }
        }
        Assert.True(worstRel < 1e-6, $"worst relative error for x ≥ -1: {worstRel:g3}");
    }

    [Fact]
    public void Erf_gelu_stays_out_of_subnormals_in_its_far_tails()
    {
        // Far from zero ½·erfc(z) underflows; computed as t·exp(−z² + P) it passed through subnormal floats (a microcode
        // assist per element: the fused GELU GEMM ran at half speed on large activations). The clamp keeps it normal.
        for (float z = 0f; z <= 1000f; z = z < 20f ? z + 0.25f : z * 2f)
        {
            float v128 = SgemmActivationMath.HalfErfc<Lanes128, Vector128<float>>(Vector128.Create(z)).GetElement(0);
            float v256 = SgemmActivationMath.HalfErfc<Lanes256, Vector256<float>>(Vector256.Create(z)).GetElement(0);
            float v512 = SgemmActivationMath.HalfErfc<Lanes512, Vector512<float>>(Vector512.Create(z)).GetElement(0);
            foreach ((string form, float got) in new[] { ("v128", v128), ("v256", v256), ("v512", v512) })
                Assert.True(float.IsNormal(got) && got > 0f, $"{form} ½·erfc({z}) = {got} is not a positive normal float");
        }
        foreach (float x in new[] { 12f, 13f, 20f, 100f, 1e4f, -13f, -14f, -20f, -100f, -1e4f })
        {
            foreach ((string form, float got) in new[]
                     {
                         ("v128", SgemmActivationMath.GeluErf(Vector128.Create(x)).GetElement(0)),
                         ("v256", SgemmActivationMath.GeluErf(Vector256.Create(x)).GetElement(0)),
                         ("v512", SgemmActivationMath.GeluErf(Vector512.Create(x)).GetElement(0)),
                         ("scalar", SgemmActivationMath.GeluErf(x)),
                     })
            {
                Assert.False(float.IsSubnormal(got), $"{form} x={x}: {got} is subnormal");
                Assert.True(x > 0 ? got == x : got <= 0 && got > -1e-30f, $"{form} x={x}: {got}");
            }
        }
    }

    [Theory]
    [InlineData(GemmActivation.GeluErf)]
    [InlineData(GemmActivation.GeluTanh)]
    public unsafe void Nan_comes_through_every_form_and_positive_infinity_stays_infinite(GemmActivation activation)
    {
        // The clamps use the platform's min and max, whose NaN rule is the hardware's: a NaN pre-activation must still
        // give NaN (never a clamp bound's GELU, never 0), in every width and in Apply's vector and scalar parts.
        bool erf = activation == GemmActivation.GeluErf;
        foreach (float x in new[] { float.NaN, -float.NaN, BitConverter.Int32BitsToSingle(0x7FA0_0001), float.PositiveInfinity })
        {
            float[] row = new float[37];
            Array.Fill(row, 0.5f);
            row[3] = row[20] = row[36] = x; // in the 16-lane, 4-lane and scalar parts of Apply
            fixed (float* p = row)
                SgemmActivationMath.Apply(p, row.Length, activation);
            foreach ((string form, float got) in new[]
                     {
                         ("v128", (erf ? SgemmActivationMath.GeluErf(Vector128.Create(x)) : SgemmActivationMath.GeluTanh(Vector128.Create(x))).GetElement(1)),
                         ("v256", (erf ? SgemmActivationMath.GeluErf(Vector256.Create(x)) : SgemmActivationMath.GeluTanh(Vector256.Create(x))).GetElement(5)),
                         ("v512", (erf ? SgemmActivationMath.GeluErf(Vector512.Create(x)) : SgemmActivationMath.GeluTanh(Vector512.Create(x))).GetElement(9)),
                         ("scalar", erf ? SgemmActivationMath.GeluErf(x) : SgemmActivationMath.GeluTanh(x)),
                         ("apply 3", row[3]), ("apply 20", row[20]), ("apply 36", row[36]),
                     })
            {
                if (float.IsNaN(x))
                    Assert.True(float.IsNaN(got), $"{activation} {form}: GELU({x}) = {got}, want NaN");
                else
                    Assert.Equal(float.PositiveInfinity, got);
            }
            Assert.Equal(erf ? SgemmActivationMath.GeluErf(0.5f) : SgemmActivationMath.GeluTanh(0.5f), row[35], 6);
        }
        // The pieces too, so the result does not rest on GELU's last product with x alone.
        foreach ((string form, float got) in new[]
                 {
                     ("exp v128", SgemmActivationMath.Exp<Lanes128, Vector128<float>>(Vector128.Create(float.NaN)).GetElement(0)),
                     ("exp v256", SgemmActivationMath.Exp<Lanes256, Vector256<float>>(Vector256.Create(float.NaN)).GetElement(0)),
                     ("exp v512", SgemmActivationMath.Exp<Lanes512, Vector512<float>>(Vector512.Create(float.NaN)).GetElement(0)),
                     ("½erfc v128", SgemmActivationMath.HalfErfc<Lanes128, Vector128<float>>(Vector128.Create(float.NaN)).GetElement(0)),
                     ("½erfc v256", SgemmActivationMath.HalfErfc<Lanes256, Vector256<float>>(Vector256.Create(float.NaN)).GetElement(0)),
                     ("½erfc v512", SgemmActivationMath.HalfErfc<Lanes512, Vector512<float>>(Vector512.Create(float.NaN)).GetElement(0)),
                 })
            Assert.True(float.IsNaN(got), $"{form}(NaN) = {got}, want NaN");
    }

    [Theory]
    [InlineData(GemmActivation.GeluErf)]
    [InlineData(GemmActivation.GeluTanh)]
    public unsafe void Every_vector_width_gives_the_same_bits_and_apply_matches_them(GemmActivation activation)
    {
        // Fused and unfused GEMM tiles, and rows of different lengths, must not depend on which width ran a column:
        // the widths are one generic form, so each element's bits are the same at 4, 8 and 16 lanes.
        var rng = new Random(7);
        float[] xs = new float[4099];
        for (int i = 0; i < xs.Length; i++)
            xs[i] = (float)((rng.NextDouble() - 0.5) * (i % 3 == 0 ? 30 : 6));
        bool erf = activation == GemmActivation.GeluErf;
        float[] applied = (float[])xs.Clone();
        fixed (float* p = applied)
            SgemmActivationMath.Apply(p, applied.Length, activation);
        int vectorEnd = xs.Length - xs.Length % 4;
        for (int i = 0; i < xs.Length; i++)
        {
            float x = xs[i];
            float v128 = (erf ? SgemmActivationMath.GeluErf(Vector128.Create(x)) : SgemmActivationMath.GeluTanh(Vector128.Create(x))).GetElement(0);
            float v256 = (erf ? SgemmActivationMath.GeluErf(Vector256.Create(x)) : SgemmActivationMath.GeluTanh(Vector256.Create(x))).GetElement(0);
            float v512 = (erf ? SgemmActivationMath.GeluErf(Vector512.Create(x)) : SgemmActivationMath.GeluTanh(Vector512.Create(x))).GetElement(0);
            Assert.True(BitConverter.SingleToInt32Bits(v128) == BitConverter.SingleToInt32Bits(v256)
                        && BitConverter.SingleToInt32Bits(v256) == BitConverter.SingleToInt32Bits(v512),
                $"x={x}: v128 {v128:R}, v256 {v256:R}, v512 {v512:R}");
            float scalar = erf ? SgemmActivationMath.GeluErf(x) : SgemmActivationMath.GeluTanh(x);
            float want = i < vectorEnd && Vector128.IsHardwareAccelerated ? v128 : scalar;
            Assert.True(BitConverter.SingleToInt32Bits(want) == BitConverter.SingleToInt32Bits(applied[i]),
                $"Apply at {i} of {xs.Length}, x={x}: {applied[i]:R}, want {want:R}");
        }
    }
}
