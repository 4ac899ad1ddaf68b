using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MlNetGraviton.Kernels.Gemm;

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
    /// <remarks>
    /// On the calling thread. Splitting it over the kernel pool (min/max per slice, then each slice quantized) was
    /// measured and dropped: inside bert-base-cased int8 at 128 tokens on 2 threads, alternating layer by layer in the
    /// same runs, a 128×768 activation took 17–41 µs on one thread against 55–108 µs in two slices (two hand-offs
    /// between a model's other ops), and a 128×3072 one 65–80 µs against 170–380 µs (the second pass no longer found
    /// its slice in its core's L2).
    /// </remarks>
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
    public static unsafe (float Min, float Max) MinMax(ReadOnlySpan<float> x)
    {
        if (x.IsEmpty)
            return (0f, 0f);
        int n = x.Length, i = 0;
        float min = x[0], max = x[0];
        fixed (float* p = x)
        {
            // The widest accelerated width that has at least four vectors of input, then the scalar tail.
            _ = MinMaxVectors<Lanes512, Vector512<float>>(p, n, ref i, ref min, ref max)
                || MinMaxVectors<Lanes256, Vector256<float>>(p, n, ref i, ref min, ref max)
                || MinMaxVectors<Lanes128, Vector128<float>>(p, n, ref i, ref min, ref max);
            for (; i < n; i++)
            {
                min = Math.Min(min, p[i]);
                max = Math.Max(max, p[i]);
            }
        }
        return (min, max);
    }

    /// <summary>Two vectors a step (two min and two max chains), from element 0 to the last whole step; false when
    /// this width is not accelerated or <paramref name="n"/> is under four vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe bool MinMaxVectors<TL, TV>(float* p, int n, ref int i, ref float min, ref float max)
        where TL : IFloatLanes<TV> where TV : struct
    {
        int lanes = TL.Count;
        if (!TL.IsAccelerated || n < 4 * lanes)
            return false;
        // Locals, not the ref parameters, in the loops: the JIT would store and reload them every step.
        TV min0 = TL.Load(p), min1 = min0, max0 = min0, max1 = min0;
        int j = i;
        for (; j + 2 * lanes <= n; j += 2 * lanes)
        {
            TV v0 = TL.Load(p + j), v1 = TL.Load(p + j + lanes);
            min0 = TL.MinNative(min0, v0);
            min1 = TL.MinNative(min1, v1);
            max0 = TL.MaxNative(max0, v0);
            max1 = TL.MaxNative(max1, v1);
        }
        i = j;
        float* mn = stackalloc float[lanes], mx = stackalloc float[lanes];
        TL.Store(TL.MinNative(min0, min1), mn);
        TL.Store(TL.MaxNative(max0, max1), mx);
        float lo = min, hi = max;
        for (int l = 0; l < lanes; l++)
        {
            lo = Math.Min(lo, mn[l]);
            hi = Math.Max(hi, mx[l]);
        }
        (min, max) = (lo, hi);
        return true;
    }

    /// <summary>
    /// q = clamp(round_half_even(x / scale) + zeroPoint, 0, 255), the QuantizeLinear step, bit-exact with the division.
    /// The vector paths multiply by 1/scale instead (a division per lane cost most of a dynamically quantized GEMM's
    /// quantization) and divide only where that can differ: x·(1/scale) is within 2·2⁻²⁴ relative (≤ 5e-5 absolute below
    /// 256) of the rounded quotient, so where the clamped product is further than 1e-4 from a half-integer both round to the
    /// same integer (and beyond ±256 both clamp alike); a vector with a lane closer than that is redone with the division.
    /// </summary>
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
        float lo = -zeroPoint, hi = 255 - zeroPoint, reciprocal = 1f / scale;
        if (float.IsFinite(reciprocal) && reciprocal != 0f)
        {
            if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            {
                var step = new Step512(scale, reciprocal, lo, hi, zeroPoint);
                for (; i + 64 <= n; i += 64)
                {
                    // vpmovdb to registers, one 64-byte store (the memory form of vpmovdb is slow on AMD).
                    Vector128<byte> b0 = Avx512F.ConvertToVector128Byte(step.Run(Vector512.LoadUnsafe(ref src, (nuint)i)));
                    Vector128<byte> b1 = Avx512F.ConvertToVector128Byte(step.Run(Vector512.LoadUnsafe(ref src, (nuint)(i + 16))));
                    Vector128<byte> b2 = Avx512F.ConvertToVector128Byte(step.Run(Vector512.LoadUnsafe(ref src, (nuint)(i + 32))));
                    Vector128<byte> b3 = Avx512F.ConvertToVector128Byte(step.Run(Vector512.LoadUnsafe(ref src, (nuint)(i + 48))));
                    Vector512.Create(Vector256.Create(b0, b1), Vector256.Create(b2, b3)).StoreUnsafe(ref dst, (nuint)i);
                }
                for (; i + 16 <= n; i += 16)
                    Avx512F.ConvertToVector128Byte(step.Run(Vector512.LoadUnsafe(ref src, (nuint)i))).StoreUnsafe(ref dst, (nuint)i);
            }
            if (Vector256.IsHardwareAccelerated)
            {
                var step = new Step256(scale, reciprocal, lo, hi, zeroPoint);
                for (; i + 32 <= n; i += 32)
                {
                    Vector256<int> q0 = step.Run(Vector256.LoadUnsafe(ref src, (nuint)i));
                    Vector256<int> q1 = step.Run(Vector256.LoadUnsafe(ref src, (nuint)(i + 8)));
                    Vector256<int> q2 = step.Run(Vector256.LoadUnsafe(ref src, (nuint)(i + 16)));
                    Vector256<int> q3 = step.Run(Vector256.LoadUnsafe(ref src, (nuint)(i + 24)));
                    Vector256<ushort> h0 = Vector256.Narrow(q0.AsUInt32(), q1.AsUInt32());
                    Vector256<ushort> h1 = Vector256.Narrow(q2.AsUInt32(), q3.AsUInt32());
                    Vector256.Narrow(h0, h1).StoreUnsafe(ref dst, (nuint)i);
                }
            }
            if (Vector128.IsHardwareAccelerated)
            {
                var step = new Step128(scale, reciprocal, lo, hi, zeroPoint);
                for (; i + 16 <= n; i += 16)
                {
                    Vector128<int> q0 = step.Run(Vector128.LoadUnsafe(ref src, (nuint)i));
                    Vector128<int> q1 = step.Run(Vector128.LoadUnsafe(ref src, (nuint)(i + 4)));
                    Vector128<int> q2 = step.Run(Vector128.LoadUnsafe(ref src, (nuint)(i + 8)));
                    Vector128<int> q3 = step.Run(Vector128.LoadUnsafe(ref src, (nuint)(i + 12)));
                    Vector128<ushort> h0 = Vector128.Narrow(q0.AsUInt32(), q1.AsUInt32());
                    Vector128<ushort> h1 = Vector128.Narrow(q2.AsUInt32(), q3.AsUInt32());
                    Vector128.Narrow(h0, h1).StoreUnsafe(ref dst, (nuint)i);
                }
            }
        }
        for (; i < n; i++)
        {
            float v = Math.Clamp(Unsafe.Add(ref src, i) / scale, lo, hi);
            Unsafe.Add(ref dst, i) = (byte)((int)MathF.Round(v, MidpointRounding.ToEven) + zeroPoint);
        }
    }

    /// <summary>Where the product may round differently from the quotient: within this of a half-integer.</summary>
    private const float NearHalf = 0.5f - 1e-4f;

    /// <summary>
    /// AVX-512: c + (1.5·2²³ + zero point) leaves round(c) + zero point in the low mantissa bits, so the low byte of the sum's
    /// bits is q (no conversion, no integer add). Ties would round to even on the shifted value, but ties are within
    /// <see cref="NearHalf"/> of a half-integer and take the exact path.
    /// </summary>
    private readonly struct Step512(float scale, float reciprocal, float lo, float hi, int zeroPoint)
    {
        private const float Shift = 12582912f; // 1.5·2²³
        private readonly Vector512<float> _scale = Vector512.Create(scale), _reciprocal = Vector512.Create(reciprocal);
        private readonly Vector512<float> _lo = Vector512.Create(lo), _hi = Vector512.Create(hi);
        private readonly Vector512<float> _shift = Vector512.Create(Shift + zeroPoint);
        private readonly Vector512<int> _zeroPoint = Vector512.Create(zeroPoint);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<int> Run(Vector512<float> x)
        {
            Vector512<float> c = Vector512.MinNative(Vector512.MaxNative(x * _reciprocal, _lo), _hi);
            Vector512<float> shifted = c + _shift;
            if (Vector512.GreaterThanOrEqualAny(Vector512.Abs(c - (shifted - _shift)), Vector512.Create(NearHalf)))
                return Vector512.ConvertToInt32Native(Vector512.Round(Vector512.MinNative(Vector512.MaxNative(x / _scale, _lo), _hi))) + _zeroPoint;
            return shifted.AsInt32();
        }
    }

    private readonly struct Step256(float scale, float reciprocal, float lo, float hi, int zeroPoint)
    {
        private readonly Vector256<float> _scale = Vector256.Create(scale), _reciprocal = Vector256.Create(reciprocal);
        private readonly Vector256<float> _lo = Vector256.Create(lo), _hi = Vector256.Create(hi);
        private readonly Vector256<int> _zeroPoint = Vector256.Create(zeroPoint);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<int> Run(Vector256<float> x)
        {
            Vector256<float> c = Vector256.MinNative(Vector256.MaxNative(x * _reciprocal, _lo), _hi);
            Vector256<float> r = Vector256.Round(c);
            if (Vector256.GreaterThanOrEqualAny(Vector256.Abs(c - r), Vector256.Create(NearHalf)))
                r = Vector256.Round(Vector256.MinNative(Vector256.MaxNative(x / _scale, _lo), _hi));
            return Vector256.ConvertToInt32Native(r) + _zeroPoint;
        }
    }

    private readonly struct Step128(float scale, float reciprocal, float lo, float hi, int zeroPoint)
    {
        private readonly Vector128<float> _scale = Vector128.Create(scale), _reciprocal = Vector128.Create(reciprocal);
        private readonly Vector128<float> _lo = Vector128.Create(lo), _hi = Vector128.Create(hi);
        private readonly Vector128<int> _zeroPoint = Vector128.Create(zeroPoint);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Run(Vector128<float> x)
        {
            Vector128<float> c = Vector128.MinNative(Vector128.MaxNative(x * _reciprocal, _lo), _hi);
            Vector128<float> r = Vector128.Round(c);
            if (Vector128.GreaterThanOrEqualAny(Vector128.Abs(c - r), Vector128.Create(NearHalf)))
                r = Vector128.Round(Vector128.MinNative(Vector128.MaxNative(x / _scale, _lo), _hi));
            return Vector128.ConvertToInt32Native(r) + _zeroPoint;
        }
    }
}
