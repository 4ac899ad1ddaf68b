using System.Runtime.CompilerServices;

namespace MlNetGraviton.Kernels.Quantization;

/// <summary>
/// Symmetric s8 weight quantization as ONNX Runtime's quantize_dynamic writes it (weight type QInt8, symmetric):
/// scale = max|w| / 127 (1 when all weights are 0), zero point 0, q = clamp(round_half_even(w / scale), −127, 127).
/// Per tensor, or per column of a row-major K × N MatMul weight (ORT's per_channel on axis 1).
/// With <c>reduceRange</c> (ORT's reduce_range): 7-bit weights, scale = max|w| / 64, q in [−64, 64]; every k pair
/// then fits the x86 AVX2 VPMADDUBSW kernel without correction (|b₀| + |b₁| ≤ 128), at the cost of one bit of precision.
/// </summary>
public static class WeightQuantize
{
    /// <summary>Largest |q| of the full 8-bit symmetric range.</summary>
    public const int FullRangeMax = 127;

    /// <summary>Largest |q| of the reduced (7-bit) symmetric range, as ORT's reduce_range gives for QInt8.</summary>
    public const int ReducedRangeMax = 64;

    /// <summary>One scale for the whole tensor; <paramref name="reduceRange"/> quantizes to [−64, 64].</summary>
    public static void SymmetricPerTensor(ReadOnlySpan<float> w, Span<sbyte> q, out float scale, bool reduceRange = false)
    {
        if (q.Length < w.Length)
            throw new ArgumentException($"q has {q.Length} elements; w has {w.Length}.", nameof(q));
        int qMax = reduceRange ? ReducedRangeMax : FullRangeMax;
        (float min, float max) = DynamicQuantize.MinMax(w);
        scale = ScaleFor(Math.Max(Math.Abs(min), Math.Abs(max)), qMax);
        for (int i = 0; i < w.Length; i++)
            q[i] = QuantizeOne(w[i], scale, qMax);
    }

    /// <summary>
    /// One scale per column of the row-major k × n matrix <paramref name="w"/>; <paramref name="scales"/> gets n values;
    /// <paramref name="reduceRange"/> quantizes to [−64, 64].
    /// </summary>
    public static void SymmetricPerColumn(ReadOnlySpan<float> w, int k, int n, Span<sbyte> q, Span<float> scales, bool reduceRange = false)
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
        int qMax = reduceRange ? ReducedRangeMax : FullRangeMax;
        for (int j = 0; j < n; j++)
            scales[j] = ScaleFor(absMax[j], qMax);
        for (int kk = 0; kk < k; kk++)
        {
            ReadOnlySpan<float> row = w.Slice(kk * n, n);
            Span<sbyte> qrow = q.Slice(kk * n, n);
            for (int j = 0; j < n; j++)
                qrow[j] = QuantizeOne(row[j], scales[j], qMax);
        }
    }

    private const float SmallestNormal = 1.17549435e-38f;

    // ORT computes (rmax − rmin) / (qmax − qmin) = 2·absmax / (2·qMax), which equals absmax / qMax exactly in float
    // (both scale by a power of two); a range below float's smallest normal becomes scale 1.
    private static float ScaleFor(float absMax, int qMax)
    {
        float scale = absMax / qMax;
        return scale < SmallestNormal ? 1f : scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static sbyte QuantizeOne(float w, float scale, int qMax)
        => (sbyte)Math.Clamp(MathF.Round(w / scale, MidpointRounding.ToEven), -qMax, qMax);
}
