using System.Runtime.Intrinsics;
using MlNetGraviton.Runtime.Ops.Contrib;

namespace MlNetGraviton.Runtime.Tests.Graviton.Contrib;

/// <summary>The AVX-512 attention path's row softmax against double-precision exp, with the masks attention adds.</summary>
public sealed class SoftmaxRowTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(128)]
    [InlineData(301)]
    public void Exp_and_sum_match_double_precision_with_and_without_a_mask(int n)
    {
        var rng = new Random(n);
        foreach (bool masked in new[] { false, true })
        {
            float[] x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 40 - 20)).ToArray();
            float[] mask = Enumerable.Range(0, n).Select(j => j % 7 == 3 ? -10000f : j % 11 == 5 ? float.MinValue : 0f).ToArray();
            double[] shifted = x.Select((v, j) => (double)(masked ? v + mask[j] : v)).ToArray();
            // float addition as the kernel does it, then exp in double
            for (int j = 0; j < n; j++)
                shifted[j] = masked ? (double)(x[j] + mask[j]) : x[j];
            double max = shifted.Max();
            // x − max is rounded to float first, as any float softmax does (ORT's and TensorPrimitives' too)
            double[] want = shifted.Select(v => Math.Exp((float)v - (float)max)).ToArray();
            float[] got = (float[])x.Clone();
            float sum = SoftmaxRow.ExpInPlace(got, masked ? mask : default);
            for (int j = 0; j < n; j++)
                Assert.True(Math.Abs(got[j] - want[j]) <= 4e-7 * want[j] + 1e-37, $"n={n} masked={masked} [{j}]: {got[j]} vs {want[j]}");
            Assert.Equal(want.Sum(), sum, 5e-6 * want.Sum());
        }
    }

    [Fact]
    public void Underflow_is_zero_overflow_infinite_and_nan_propagates()
    {
        float[] x = new float[32];
        x[0] = 0f;
        x[1] = -200f;      // far below the largest: exactly 0
        x[2] = -87.5f;     // in expf's denormal range: 0
        x[20] = float.NaN;
        float sum = SoftmaxRow.ExpInPlace(x, default);
        Assert.True(float.IsNaN(x[20]) && float.IsNaN(sum));
        Assert.Equal(0f, x[1]);
        Assert.Equal(0f, x[2]);
        Assert.Equal(1f, x[0]);
        float[] all = Enumerable.Repeat(float.NegativeInfinity, 20).ToArray();
        Assert.Equal(0f, SoftmaxRow.ExpInPlace(all, default)); // every key excluded: all weights 0, the caller's 1/Σ gives NaN like ORT
        Assert.All(all, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Vector_exp_matches_double_precision_across_the_float_range_and_keeps_its_edges()
    {
        if (!Vector512.IsHardwareAccelerated)
            return; // the vector form serves the AVX-512 attention path only
        var inputs = new List<float> { 0f, -0f, 1e-30f, -1e-30f, 0.5f, -0.5f, 1f, -1f, 10f, -10f, 88f, 88.7f, 88.72283f, -87f, -87.3f };
        var rng = new Random(7);
        for (int i = 0; i < 4000; i++)
            inputs.Add((float)(rng.NextDouble() * 175 - 87));
        while (inputs.Count % 16 != 0)
            inputs.Add(0f);
        for (int i = 0; i < inputs.Count; i += 16)
        {
            Vector512<float> got = SoftmaxRow.Exp(Vector512.Create(inputs.GetRange(i, 16).ToArray()));
            for (int l = 0; l < 16; l++)
            {
                double want = Math.Exp(inputs[i + l]);
                Assert.True(Math.Abs(got[l] - want) <= 4e-7 * want, $"exp({inputs[i + l]:R}) = {got[l]:R}, want {want:R}");
            }
        }

        float[] edges = [89f, 100f, float.MaxValue, float.PositiveInfinity, -87.5f, -200f, float.MinValue, float.NegativeInfinity, float.NaN, -float.NaN, 0, 0, 0, 0, 0, 0];
        Vector512<float> e = SoftmaxRow.Exp(Vector512.Create(edges));
        for (int l = 0; l < 4; l++)
            Assert.Equal(float.PositiveInfinity, e[l]);
        for (int l = 4; l < 8; l++)
            Assert.Equal(0f, e[l]);
        Assert.True(float.IsNaN(e[8]) && float.IsNaN(e[9]), $"NaN in gave {e[8]}, {e[9]}");
    }
}
