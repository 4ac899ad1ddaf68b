namespace MlNetGraviton.Runtime.Quantization;

/// <summary>
/// Symmetric 7-bit weights, ONNX Runtime's reduce_range for int8 weights: q in [−64, 64], scale = max|w| / 64 (1 when
/// all are 0), rounding half to even. With them a u8 × s8 pair of products stays within int16 (2 · 255 · 64 &lt; 32768),
/// so CPUs whose int8 path multiplies pairs with saturation (x86 VPMADDUBSW without VNNI, which ORT's AVX2 kernel uses)
/// compute exact products. Per tensor or per column of a row-major K × N weight.
/// </summary>
internal static class ReducedRangeWeights
{
    private const float Levels = 64f;
    private const float SmallestNormal = 1.17549435e-38f;

    public static void PerTensor(ReadOnlySpan<float> w, Span<sbyte> q, out float scale)
    {
        float absMax = 0;
        foreach (float v in w)
            absMax = Math.Max(absMax, Math.Abs(v));
        scale = ScaleFor(absMax);
        for (int i = 0; i < w.Length; i++)
            q[i] = Quantize(w[i], scale);
    }

    public static void PerColumn(ReadOnlySpan<float> w, int k, int n, Span<sbyte> q, Span<float> scales)
    {
        Span<float> absMax = scales[..n];
        absMax.Clear();
        for (int kk = 0; kk < k; kk++)
            for (int j = 0; j < n; j++)
                absMax[j] = Math.Max(absMax[j], Math.Abs(w[kk * n + j]));
        for (int j = 0; j < n; j++)
            scales[j] = ScaleFor(absMax[j]);
        for (int kk = 0; kk < k; kk++)
            for (int j = 0; j < n; j++)
                q[kk * n + j] = Quantize(w[kk * n + j], scales[j]);
    }

    private static float ScaleFor(float absMax)
    {
        float scale = absMax / Levels;
        return scale < SmallestNormal ? 1f : scale;
    }

    private static sbyte Quantize(float w, float scale) =>
        (sbyte)Math.Clamp(MathF.Round(w / scale, MidpointRounding.ToEven), -Levels, Levels);
}
