using MlNetGraviton.Kernels.Quantization;

namespace MlNetGraviton.Kernels.Tests.Quantization;

/// <summary>Symmetric s8 weight quantization against a double-precision restatement of ORT's quantizer formula.</summary>
public sealed class WeightQuantizeTests
{
    private static sbyte Expected(float w, float scale, int qMax = 127) => (sbyte)Math.Clamp(Math.Round((double)(w / scale), MidpointRounding.ToEven), -qMax, qMax);

    [Fact]
    public void PerColumnScalesAreColumnAbsMaxOver127()
    {
        var rng = new Random(9);
        int k = 37, n = 11;
        float[] w = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() * 4 - 2) * (1 + rng.Next(3))).ToArray();
        for (int kk = 0; kk < k; kk++)
            w[kk * n + 3] = 0; // an all-zero column gets scale 1
        var q = new sbyte[k * n];
        var scales = new float[n];
        WeightQuantize.SymmetricPerColumn(w, k, n, q, scales);
        for (int j = 0; j < n; j++)
        {
            float absMax = Enumerable.Range(0, k).Max(kk => Math.Abs(w[kk * n + j]));
            Assert.Equal(absMax == 0 ? 1f : (float)(2.0 * absMax / 254.0), scales[j]);
            for (int kk = 0; kk < k; kk++)
                Assert.Equal(Expected(w[kk * n + j], scales[j]), q[kk * n + j]);
        }
        Assert.DoesNotContain((sbyte)-128, q);
    }

    [Fact]
    public void PerTensorScaleCoversTheWholeTensor()
    {
        float[] w = [0.5f, -2.54f, 1.27f, 0f, 2.54f / 254f * 3];
        var q = new sbyte[w.Length];
        WeightQuantize.SymmetricPerTensor(w, q, out float scale);
        Assert.Equal(2.54f / 127f, scale);
        Assert.Equal(w.Select(v => Expected(v, scale)).ToArray(), q);
        Assert.Equal((sbyte)-127, q[1]);
    }

    [Fact]
    public void ReducedRangeIsSevenBitLikeOrtReduceRange()
    {
        var rng = new Random(21);
        int k = 64, n = 13;
        float[] w = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        var q = new sbyte[k * n];
        var scales = new float[n];
        WeightQuantize.SymmetricPerColumn(w, k, n, q, scales, reduceRange: true);
        for (int j = 0; j < n; j++)
        {
            float absMax = Enumerable.Range(0, k).Max(kk => Math.Abs(w[kk * n + j]));
            Assert.Equal((float)(2.0 * absMax / 128.0), scales[j]); // ORT: (rmax − rmin) / (qmax − qmin) with [−64, 64]
            for (int kk = 0; kk < k; kk++)
                Assert.Equal(Expected(w[kk * n + j], scales[j], 64), q[kk * n + j]);
        }
        Assert.All(q, v => Assert.InRange(v, (sbyte)-64, (sbyte)64));
        Assert.Contains(q, v => Math.Abs((int)v) == 64);
        // Every k pair of 7-bit weights fits VPMADDUBSW's int16 pair sums.
        Assert.Equal(0, MlNetGraviton.Kernels.Gemm.QgemmPairSaturation.Count(q, k, n).Unsafe);

        WeightQuantize.SymmetricPerTensor(w, q, out float scale, reduceRange: true);
        float tensorAbsMax = w.Max(Math.Abs);
        Assert.Equal((float)(2.0 * tensorAbsMax / 128.0), scale);
        Assert.Equal(w.Select(v => Expected(v, scale, 64)).ToArray(), q);
        WeightQuantize.SymmetricPerTensor(new float[3], q, out scale, reduceRange: true);
        Assert.Equal(1f, scale);
    }

    [Fact]
    public void BadShapesAreRejected()
    {
        Assert.Equal("w", Assert.Throws<ArgumentException>(() => WeightQuantize.SymmetricPerColumn(new float[5], 2, 3, new sbyte[6], new float[3])).ParamName);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => WeightQuantize.SymmetricPerColumn(new float[6], 2, 3, new sbyte[5], new float[3])).ParamName);
        Assert.Equal("scales", Assert.Throws<ArgumentException>(() => WeightQuantize.SymmetricPerColumn(new float[6], 2, 3, new sbyte[6], new float[2])).ParamName);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => WeightQuantize.SymmetricPerTensor(new float[6], new sbyte[5], out _)).ParamName);
    }
}
