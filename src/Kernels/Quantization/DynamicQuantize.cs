using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetGraviton.Kernels.Quantization;

/// <summary>
/// ONNX DynamicQuantizeLinear for activations: rmin = min(0, min x), rmax = max(0, max x),
/// scale = (rmax − rmin) / 255 (1 when the range is empty, i.e. all x are 0, as ONNX Runtime does),
/// zero point = round(clamp(−rmin / scale, 0, 255)), q = clamp(round(x / scale) + zero point, 0, 255),
/// rounding half to even. Bit-exact with ONNX Runtime's CPU kernel (same float operations: a division by the scale,
/// a clamp in float, then round-to-nearest-even). Inputs must be NaN-free.
/// </summary>
public static class DynamicQuantize
{
    /// <summary>Quantizes <paramref name="x"/> to u8 into <paramref name="q"/> (at least as long as x).</summary>
    public static void ToUInt8(ReadOnlySpan<float> x, Span<byte> q, out float scale, out byte zeroPoint)
    {
        if (q.Length < x.Length)
            throw new ArgumentException($"q has {q.Length} elements; x has {x.Length}.", nameof(q));
        (float min, float max) = MinMax(x);
        Parameters(min, max, out scale, out zeroPoint);
        Quantize(x, q, scale, zeroPoint);
    }

    /// <summary>The scale and zero point DynamicQuantizeLinear derives from a tensor's min and max.</summary>
    public static void Parameters(float min, float max, out float scale, out byte zeroPoint)
    {
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        scale = max == min ? 1f : (max - min) / 255f;
        float initial = 0f - min / scale;
        zeroPoint = (byte)MathF.Round(Math.Clamp(initial, 0f, 255f), MidpointRounding.ToEven);
    }

    /// <summary>Smallest and largest element (for an empty span: 0, 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (float Min, float Max) MinMax(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
            return (0f, 0f);
        ref float start = ref Unsafe.AsRef(in x[0]);
        int n = x.Length, i = 0;
        float min = x[0], max = x[0];
        if (Vector256.IsHardwareAccelerated && n >= 32)
        {
            Vector256<float> min0 = Vector256.LoadUnsafe(ref start), min1 = min0, max0 = min0, max1 = min0;
            for (; i + 16 <= n; i += 16)
            {
                Vector256<float> v0 = Vector256.LoadUnsafe(ref start, (nuint)i);
                Vector256<float> v1 = Vector256.LoadUnsafe(ref start, (nuint)(i + 8));
                min0 = Vector256.MinNative(min0, v0);
                min1 = Vector256.MinNative(min1, v1);
                max0 = Vector256.MaxNative(max0, v0);
                max1 = Vector256.MaxNative(max1, v1);
            }
            Vector256<float> mn = Vector256.MinNative(min0, min1), mx = Vector256.MaxNative(max0, max1);
            for (int l = 0; l < 8; l++)
            {
                min = Math.Min(min, mn.GetElement(l));
                max = Math.Max(max, mx.GetElement(l));
            }
        }
        else if (Vector128.IsHardwareAccelerated && n >= 16)
        {
            Vector128<float> min0 = Vector128.LoadUnsafe(ref start), min1 = min0, max0 = min0, max1 = min0;
            for (; i + 8 <= n; i += 8)
            {
                Vector128<float> v0 = Vector128.LoadUnsafe(ref start, (nuint)i);
                Vector128<float> v1 = Vector128.LoadUnsafe(ref start, (nuint)(i + 4));
                min0 = Vector128.MinNative(min0, v0);
                min1 = Vector128.MinNative(min1, v1);
                max0 = Vector128.MaxNative(max0, v0);
                max1 = Vector128.MaxNative(max1, v1);
            }
            Vector128<float> mn = Vector128.MinNative(min0, min1), mx = Vector128.MaxNative(max0, max1);
            for (int l = 0; l < 4; l++)
            {
                min = Math.Min(min, mn.GetElement(l));
                max = Math.Max(max, mx.GetElement(l));
            }
        }
        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref start, i);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return (min, max);
    }

    /// <summary>q = clamp(round_half_even(x / scale) + zeroPoint, 0, 255), the QuantizeLinear step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Quantize(ReadOnlySpan<float> x, Span<byte> q, float scale, byte zeroPoint)
    {
        if (q.Length < x.Length)
            throw new ArgumentException($"q has {q.Length} elements; x has {x.Length}.", nameof(q));
        if (x.IsEmpty)
            return;
        ref float src = ref Unsafe.AsRef(in x[0]);
        ref byte dst = ref q[0];
        int n = x.Length, i = 0;
        // Clamping in float before rounding (bounds are integers) keeps huge quotients out of int conversion.
        float lo = -zeroPoint, hi = 255 - zeroPoint;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vs = Vector256.Create(scale), vlo = Vector256.Create(lo), vhi = Vector256.Create(hi);
            Vector256<int> vzp = Vector256.Create((int)zeroPoint);
            for (; i + 32 <= n; i += 32)
            {
                Vector256<int> q0 = Step(Vector256.LoadUnsafe(ref src, (nuint)i), vs, vlo, vhi, vzp);
                Vector256<int> q1 = Step(Vector256.LoadUnsafe(ref src, (nuint)(i + 8)), vs, vlo, vhi, vzp);
                Vector256<int> q2 = Step(Vector256.LoadUnsafe(ref src, (nuint)(i + 16)), vs, vlo, vhi, vzp);
                Vector256<int> q3 = Step(Vector256.LoadUnsafe(ref src, (nuint)(i + 24)), vs, vlo, vhi, vzp);
                // Values are already in 0..255, so the truncating narrows are exact.
                Vector256<ushort> h0 = Vector256.Narrow(q0.AsUInt32(), q1.AsUInt32());
                Vector256<ushort> h1 = Vector256.Narrow(q2.AsUInt32(), q3.AsUInt32());
                Vector256.Narrow(h0, h1).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> vs = Vector128.Create(scale), vlo = Vector128.Create(lo), vhi = Vector128.Create(hi);
            Vector128<int> vzp = Vector128.Create((int)zeroPoint);
            for (; i + 16 <= n; i += 16)
            {
                Vector128<int> q0 = Step(Vector128.LoadUnsafe(ref src, (nuint)i), vs, vlo, vhi, vzp);
                Vector128<int> q1 = Step(Vector128.LoadUnsafe(ref src, (nuint)(i + 4)), vs, vlo, vhi, vzp);
                Vector128<int> q2 = Step(Vector128.LoadUnsafe(ref src, (nuint)(i + 8)), vs, vlo, vhi, vzp);
                Vector128<int> q3 = Step(Vector128.LoadUnsafe(ref src, (nuint)(i + 12)), vs, vlo, vhi, vzp);
                Vector128<ushort> h0 = Vector128.Narrow(q0.AsUInt32(), q1.AsUInt32());
                Vector128<ushort> h1 = Vector128.Narrow(q2.AsUInt32(), q3.AsUInt32());
                Vector128.Narrow(h0, h1).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float v = Math.Clamp(Unsafe.Add(ref src, i) / scale, lo, hi);
            Unsafe.Add(ref dst, i) = (byte)((int)MathF.Round(v, MidpointRounding.ToEven) + zeroPoint);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Step(Vector256<float> x, Vector256<float> scale, Vector256<float> lo, Vector256<float> hi, Vector256<int> zp)
        => Vector256.ConvertToInt32(Vector256.Round(Vector256.MinNative(Vector256.MaxNative(x / scale, lo), hi))) + zp;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Step(Vector128<float> x, Vector128<float> scale, Vector128<float> lo, Vector128<float> hi, Vector128<int> zp)
        => Vector128.ConvertToInt32(Vector128.Round(Vector128.MinNative(Vector128.MaxNative(x / scale, lo), hi))) + zp;
}
