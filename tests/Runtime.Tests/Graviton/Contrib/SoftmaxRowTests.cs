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
}
