using System.Runtime.CompilerServices;

namespace MlNetGraviton.Kernels.Quantization;

/// <summary>
/// Symmetric s8 weight quantization as ONNX Runtime's quantize_dynamic writes it (weight type QInt8, symmetric):
/// scale = max|w| / 127 (1 when all weights are 0), zero point 0, q = clamp(round_half_even(w / scale), −127, 127).
/// Per tensor, or per column of a row-major K × N MatMul weight (ORT's per_channel on axis 1).
/// </summary>
public static class WeightQuantize
{
    /// <summary>One scale for the whole tensor.</summary>
    public static void SymmetricPerTensor(ReadOnlySpan<float> w, Span<sbyte> q, out float scale)
    {
        if (q.Length < w.Length)
            throw new ArgumentException($"q has {q.Length} elements; w has {w.Length}.", nameof(q));
        (float min, float max) = DynamicQuantize.MinMax(w);
        scale = ScaleFor(Math.Max(Math.Abs(min), Math.Abs(max)));
        for (int i = 0; i < w.Length; i++)
            q[i] = QuantizeOne(w[i], scale);
    }

    /// <summary>One scale per column of the row-major k × n matrix <paramref name="w"/>; <paramref name="scales"/> gets n values.</summary>
    public static void SymmetricPerColumn(ReadOnlySpan<float> w, int k, int n, Span<sbyte> q, Span<float> scales)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (w.Length < (long)k * n)
            throw new ArgumentException($"w must hold K × N = {k} × {n} values; it has {w.Length}.", nameof(w));
        if (q.Length < (long)k * n)
            throw new ArgumentException($"q must hold K × N = {k} × {n} values; it has {q.Length}.", nameof(q));
        if (scales.Length < n)
            throw new ArgumentException($"scales must hold N = {n} values; it has {scales.Length}.", nameof(scales));
        Span<float> absMax = scales[..n];
        absMax.Clear();
        for (int kk = 0; kk < k; kk++)
        {
            ReadOnlySpan<float> row = w.Slice(kk * n, n);
            for (int j = 0; j < n; j++)
                absMax[j] = Math.Max(absMax[j], Math.Abs(row[j]));
        }
        for (int j = 0; j < n; j++)
            scales[j] = ScaleFor(absMax[j]);
        for (int kk = 0; kk < k; kk++)
        {
            ReadOnlySpan<float> row = w.Slice(kk * n, n);
            Span<sbyte> qrow = q.Slice(kk * n, n);
            for (int j = 0; j < n; j++)
                qrow[j] = QuantizeOne(row[j], scales[j]);
        }
    }

    private const float SmallestNormal = 1.17549435e-38f;

    // ORT computes (rmax − rmin) / (qmax − qmin) = 2·absmax / 254, which equals absmax / 127 exactly in float
    // (both scale by a power of two); a range below float's smallest normal becomes scale 1.
    private static float ScaleFor(float absMax)
    {
        float scale = absMax / 127f;
        return scale < SmallestNormal ? 1f : scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static sbyte QuantizeOne(float w, float scale)
        => (sbyte)Math.Clamp(MathF.Round(w / scale, MidpointRounding.ToEven), -127f, 127f);
}
