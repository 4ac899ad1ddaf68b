using MlNetGraviton.Kernels.Quantization;

namespace MlNetGraviton.Kernels.Tests.Quantization;

/// <summary>DynamicQuantize.ToUInt8 bit-exact against ONNX Runtime's DynamicQuantizeLinear.</summary>
public sealed class DynamicQuantizeTests
{
    public static TheoryData<string> Cases() =>
    [
        "random", "all-positive", "all-negative", "constant-positive", "constant-negative", "zeros", "huge-range",
        "tiny-range", "half-steps", "single", "odd-length", "wide-normal",
    ];

    private static float[] Make(string kind)
    {
        var rng = new Random(kind.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        float R(double lo, double hi) => (float)(lo + rng.NextDouble() * (hi - lo));
        return kind switch
        {
            "random" => Enumerable.Range(0, 1000).Select(_ => R(-3, 5)).ToArray(),
            "all-positive" => Enumerable.Range(0, 777).Select(_ => R(0.5, 9)).ToArray(),
            "all-negative" => Enumerable.Range(0, 333).Select(_ => R(-7, -0.25)).ToArray(),
            "constant-positive" => Enumerable.Repeat(2.5f, 100).ToArray(),
            "constant-negative" => Enumerable.Repeat(-0.75f, 37).ToArray(),
            "zeros" => new float[64],
            "huge-range" => Enumerable.Range(0, 500).Select(i => i % 7 == 0 ? R(-3e38, 3e38) : R(-1e30, 1e30)).ToArray(),
            "tiny-range" => Enumerable.Range(0, 129).Select(_ => R(-1e-30, 1e-30)).ToArray(),
            // x = (k + 0.5)·scale hits round-half-to-even ties: range [−127.5·s, 127.5·s] gives scale s.
            "half-steps" => Enumerable.Range(-127, 255).Select(k => (k + 0.5f) * (255f / 255f)).Append(-127.5f).ToArray(),
            "single" => [R(-1, 1)],
            "odd-length" => Enumerable.Range(0, 47).Select(_ => R(-1, 2)).ToArray(),
            "wide-normal" => Enumerable.Range(0, 4099).Select(_ => (float)(rng.NextDouble() * rng.NextDouble() * 40 - 10)).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesOnnxRuntimeBitForBit(string kind)
    {
        float[] x = Make(kind);
        (byte[] want, float wantScale, byte wantZp) = OrtQuantizeReference.DynamicQuantizeLinear(x);
        var q = new byte[x.Length + 3];
        q.AsSpan(x.Length).Fill(0xAB);
        DynamicQuantize.ToUInt8(x, q, out float scale, out byte zp);
        Assert.Equal(BitConverter.SingleToInt32Bits(wantScale), BitConverter.SingleToInt32Bits(scale));
        Assert.Equal(wantZp, zp);
        for (int i = 0; i < x.Length; i++)
        {
            if (q[i] != want[i])
                Assert.Fail($"{kind}: q[{i}] = {q[i]}, ONNX Runtime {want[i]} (x = {x[i]:R}, scale {scale:R}, zp {zp})");
        }
        Assert.All(q.AsSpan(x.Length).ToArray(), b => Assert.Equal(0xAB, b));
    }

    [Fact]
    public void EveryLengthUpTo70MatchesTheScalarDefinition()
    {
        // Lengths around the vector widths (8, 16, 32 lanes) exercise every tail.
        var rng = new Random(3);
        for (int n = 1; n <= 70; n++)
        {
            float[] x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 6 - 2)).ToArray();
            var q = new byte[n];
            DynamicQuantize.ToUInt8(x, q, out float scale, out byte zp);
            float min = Math.Min(0, x.Min()), max = Math.Max(0, x.Max());
            Assert.Equal((max - min) / 255f, scale);
            Assert.Equal((byte)MathF.Round(Math.Clamp(-min / scale, 0, 255)), zp);
            for (int i = 0; i < n; i++)
                Assert.Equal((byte)Math.Clamp(MathF.Round(x[i] / scale) + zp, 0, 255), q[i]);
        }
    }

    [Theory]
    [InlineData(0.0313725f, 96)]
    [InlineData(0.0123f, 128)]
    [InlineData(1f / 255f, 0)]
    [InlineData(3.1e-5f, 255)]
    [InlineData(7.7f, 17)]
    public void QuotientsNextToHalfIntegersRoundAsTheDivisionDoes(float scale, int zeroPoint)
    {
        // The vector paths multiply by 1/scale and divide only next to a half-integer: every x here has x / scale within
        // a few ulps of k + 0.5 (both sides of it, and exact ties), over the whole range and past the clamps.
        var x = new List<float>();
        for (int k = -300; k <= 300; k++)
        {
            float centre = (k + 0.5f) * scale;
            x.Add(centre);
            float below = centre, above = centre;
            for (int u = 0; u < 6; u++)
            {
                below = MathF.BitDecrement(below);
                above = MathF.BitIncrement(above);
                x.Add(below);
                x.Add(above);
            }
            x.Add((k + 0.4999f) * scale);
            x.Add((k + 0.5001f) * scale);
            x.Add(k * scale);
        }
        float[] values = x.ToArray();
        var q = new byte[values.Length];
        DynamicQuantize.Quantize(values, q, scale, (byte)zeroPoint);
        for (int i = 0; i < values.Length; i++)
        {
            float v = Math.Clamp(values[i] / scale, -zeroPoint, 255 - zeroPoint);
            byte want = (byte)((int)MathF.Round(v, MidpointRounding.ToEven) + zeroPoint);
            if (q[i] != want)
                Assert.Fail($"x = {values[i]:R}: q = {q[i]}, the division gives {want} (x / scale = {values[i] / scale:R})");
        }
    }

    [Fact]
    public void ShortOutputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => DynamicQuantize.ToUInt8(new float[5], new byte[4], out _, out _));
        Assert.Equal("q", e.ParamName);
    }
}
