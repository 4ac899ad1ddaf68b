using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// Attention of one head over at most 32 keys with the whole softmax in Vector512 registers: a query row's scores are one
/// or two zmm (16 keys each), so for four query rows at a time S = scale·q·Kᵀ (+ key mask, + causal exclusion) accumulates
/// in 4–8 registers, the max, exp and Σ run on those registers, the weights go once to a small buffer for broadcasting,
/// and the context rows Σⱼ eⱼ·vⱼ accumulate in registers and are scaled by 1/Σ as they are stored. This is the shape of
/// sentence embedding (MiniLM: 16–32 tokens, head size 32), where staging K into 48-column GEMM panels or running
/// TensorPrimitives on 16-float rows costs more than the arithmetic. <see cref="Run4"/> is a leaf (no calls), so the JIT
/// keeps its vectors in registers.
/// </summary>
internal static unsafe class SmallHeadAttention
{
    /// <summary>Most keys the register form holds (two zmm per score row).</summary>
    public const int MaxKeys = 32;

    /// <summary>Largest head sizes it stages on the stack (Kᵀ [dk, 32] and a padded V [32, dv]: 16 KB each).</summary>
    public const int MaxHeadSize = 128;

    /// <summary>Where the register form applies (AVX-512F, at most 32 keys, head sizes up to 128, mask per key).</summary>
    public static bool Applies(int keys, int qkHead, int vHead, bool perQueryMask) =>
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated && keys is > 0 and <= MaxKeys
        && qkHead is > 0 and <= MaxHeadSize && vHead is > 0 and <= MaxHeadSize && !perQueryMask;

    /// <summary>
    /// Four query rows. <paramref name="queries"/>[r] points at row r's dk values (rows past the last real one repeat it;
    /// their outputs go to scratch). <paramref name="keysT"/> is Kᵀ [dk, keyWidth] (keyWidth 16 or 32, zero past the real
    /// keys); <paramref name="maskRow"/> [keyWidth] the additive key mask, −∞ past the real keys. Causal: key j &gt; query i is
    /// excluded (−∞), or for a decomposed row (i &lt; firstValid) set to fill + mask, as Hugging Face's graph computes it.
    /// <paramref name="values"/> [t, ≥ vWidth] with row stride; vWidth is dv rounded up to 16, and the values up to it must
    /// be readable. outputs[r] get vWidth floats each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a kernel: fully optimized (no calls) from its first call
    public static void Run4(float** queries, int firstQuery, int dk, float* keysT, int keyWidth, float* maskRow, float scale,
        bool causal, int firstValid, float fill, float* values, long valueStride, int t, int vWidth, float** outputs, float* weights)
    {
        bool wide = keyWidth == 32;
        float* q0 = queries[0], q1 = queries[1], q2 = queries[2], q3 = queries[3];
        Vector512<float> s00 = default, s01 = default, s10 = default, s11 = default;
        Vector512<float> s20 = default, s21 = default, s30 = default, s31 = default;
        if (wide)
        {
            for (int d = 0; d < dk; d++)
            {
                Vector512<float> k0 = Vector512.Load(keysT + d * 32), k1 = Vector512.Load(keysT + d * 32 + 16);
                Vector512<float> b0 = Vector512.Create(q0[d]), b1 = Vector512.Create(q1[d]);
                Vector512<float> b2 = Vector512.Create(q2[d]), b3 = Vector512.Create(q3[d]);
                s00 = Vector512.FusedMultiplyAdd(b0, k0, s00);
                s01 = Vector512.FusedMultiplyAdd(b0, k1, s01);
                s10 = Vector512.FusedMultiplyAdd(b1, k0, s10);
                s11 = Vector512.FusedMultiplyAdd(b1, k1, s11);
                s20 = Vector512.FusedMultiplyAdd(b2, k0, s20);
                s21 = Vector512.FusedMultiplyAdd(b2, k1, s21);
                s30 = Vector512.FusedMultiplyAdd(b3, k0, s30);
                s31 = Vector512.FusedMultiplyAdd(b3, k1, s31);
            }
        }
        else
        {
            // Even and odd d into separate accumulators: eight independent FMA chains, as in the wide case.
            int d = 0;
            for (; d + 2 <= dk; d += 2)
            {
                Vector512<float> k0 = Vector512.Load(keysT + d * 16), k1 = Vector512.Load(keysT + d * 16 + 16);
                s00 = Vector512.FusedMultiplyAdd(Vector512.Create(q0[d]), k0, s00);
                s10 = Vector512.FusedMultiplyAdd(Vector512.Create(q1[d]), k0, s10);
                s20 = Vector512.FusedMultiplyAdd(Vector512.Create(q2[d]), k0, s20);
                s30 = Vector512.FusedMultiplyAdd(Vector512.Create(q3[d]), k0, s30);
                s01 = Vector512.FusedMultiplyAdd(Vector512.Create(q0[d + 1]), k1, s01);
                s11 = Vector512.FusedMultiplyAdd(Vector512.Create(q1[d + 1]), k1, s11);
                s21 = Vector512.FusedMultiplyAdd(Vector512.Create(q2[d + 1]), k1, s21);
                s31 = Vector512.FusedMultiplyAdd(Vector512.Create(q3[d + 1]), k1, s31);
            }
            if (d < dk)
            {
                Vector512<float> k0 = Vector512.Load(keysT + d * 16);
                s00 = Vector512.FusedMultiplyAdd(Vector512.Create(q0[d]), k0, s00);
                s10 = Vector512.FusedMultiplyAdd(Vector512.Create(q1[d]), k0, s10);
                s20 = Vector512.FusedMultiplyAdd(Vector512.Create(q2[d]), k0, s20);
                s30 = Vector512.FusedMultiplyAdd(Vector512.Create(q3[d]), k0, s30);
            }
            s00 += s01;
            s10 += s11;
            s20 += s21;
            s30 += s31;
        }

        Vector512<float> vScale = Vector512.Create(scale), m0 = Vector512.Load(maskRow);
        Vector512<float> m1 = wide ? Vector512.Load(maskRow + 16) : default;
        var rows = new RowSoftmax(vScale, m0, m1, wide, causal, firstValid, fill);
        Vector512<float> i0 = Vector512.Create(rows.Weights(s00, s01, firstQuery, weights));
        Vector512<float> i1 = Vector512.Create(rows.Weights(s10, s11, firstQuery + 1, weights + 32));
        Vector512<float> i2 = Vector512.Create(rows.Weights(s20, s21, firstQuery + 2, weights + 64));
        Vector512<float> i3 = Vector512.Create(rows.Weights(s30, s31, firstQuery + 3, weights + 96));
        float* o0 = outputs[0], o1 = outputs[1], o2 = outputs[2], o3 = outputs[3];
        int c = 0;
        for (; c + 32 <= vWidth; c += 32)
        {
            Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector512<float> a20 = default, a21 = default, a30 = default, a31 = default;
            float* v = values + c;
            for (int j = 0; j < t; j++, v += valueStride)
            {
                Vector512<float> v0 = Vector512.Load(v), v1 = Vector512.Load(v + 16);
                Vector512<float> w0 = Vector512.Create(weights[j]), w1 = Vector512.Create(weights[32 + j]);
                Vector512<float> w2 = Vector512.Create(weights[64 + j]), w3 = Vector512.Create(weights[96 + j]);
                a00 = Vector512.FusedMultiplyAdd(w0, v0, a00);
                a01 = Vector512.FusedMultiplyAdd(w0, v1, a01);
                a10 = Vector512.FusedMultiplyAdd(w1, v0, a10);
                a11 = Vector512.FusedMultiplyAdd(w1, v1, a11);
                a20 = Vector512.FusedMultiplyAdd(w2, v0, a20);
                a21 = Vector512.FusedMultiplyAdd(w2, v1, a21);
                a30 = Vector512.FusedMultiplyAdd(w3, v0, a30);
                a31 = Vector512.FusedMultiplyAdd(w3, v1, a31);
            }
            (a00 * i0).Store(o0 + c);
            (a01 * i0).Store(o0 + c + 16);
            (a10 * i1).Store(o1 + c);
            (a11 * i1).Store(o1 + c + 16);
            (a20 * i2).Store(o2 + c);
            (a21 * i2).Store(o2 + c + 16);
            (a30 * i3).Store(o3 + c);
            (a31 * i3).Store(o3 + c + 16);
        }
        if (c < vWidth)
        {
            // The last 16 columns: two interleaved halves of the keys keep eight chains.
            Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default;
            Vector512<float> a20 = default, a21 = default, a30 = default, a31 = default;
            float* v = values + c;
            int j = 0;
            for (; j + 2 <= t; j += 2, v += 2 * valueStride)
            {
                Vector512<float> v0 = Vector512.Load(v), v1 = Vector512.Load(v + valueStride);
                a00 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[j]), v0, a00);
                a10 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[32 + j]), v0, a10);
                a20 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[64 + j]), v0, a20);
                a30 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[96 + j]), v0, a30);
                a01 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[j + 1]), v1, a01);
                a11 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[33 + j]), v1, a11);
                a21 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[65 + j]), v1, a21);
                a31 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[97 + j]), v1, a31);
            }
            if (j < t)
            {
                Vector512<float> v0 = Vector512.Load(v);
                a00 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[j]), v0, a00);
                a10 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[32 + j]), v0, a10);
                a20 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[64 + j]), v0, a20);
                a30 = Vector512.FusedMultiplyAdd(Vector512.Create(weights[96 + j]), v0, a30);
            }
            ((a00 + a01) * i0).Store(o0 + c);
            ((a10 + a11) * i1).Store(o1 + c);
            ((a20 + a21) * i2).Store(o2 + c);
            ((a30 + a31) * i3).Store(o3 + c);
        }
    }

    /// <summary>
    /// Kᵀ [dk, keyWidth] of t key rows (row stride <paramref name="stride"/> floats), zero past t, in 16×16 blocks
    /// transposed in registers (<see cref="Transpose16"/>; AVX-512F): a scalar copy cost more than the head's arithmetic.
    /// </summary>
    public static void TransposeKeys(float* keys, long stride, int t, int dk, float* keysT, int keyWidth)
    {
        for (int j0 = 0; j0 < keyWidth; j0 += 16)
            for (int d0 = 0; d0 < dk; d0 += 16)
                Transpose16(keys + j0 * stride + d0, stride, Math.Max(0, Math.Min(16, t - j0)), Math.Min(16, dk - d0),
                    keysT + d0 * keyWidth + j0, keyWidth);
    }

    /// <summary>
    /// target[c, r] = source[r, c] for a 16×16 block: <paramref name="rows"/> source rows of <paramref name="columns"/>
    /// floats (the rest read as zero, nothing read past them), the first <paramref name="columns"/> target rows written
    /// 16 wide. Four rounds of two-source permutes, round k swapping bit k of the row index with bit k of the column
    /// index; a leaf, so the 16 rows stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Transpose16(float* source, long stride, int rows, int columns, float* target, long targetStride)
    {
        Vector512<float> zero = Vector512<float>.Zero;
        Vector512<float> columnMask = Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
            Vector512.Create(columns)).AsSingle();
        Vector512<float> r0 = 0 < rows ? Avx512F.MaskLoad(source + 0 * stride, columnMask, zero) : zero;
        Vector512<float> r1 = 1 < rows ? Avx512F.MaskLoad(source + 1 * stride, columnMask, zero) : zero;
        Vector512<float> r2 = 2 < rows ? Avx512F.MaskLoad(source + 2 * stride, columnMask, zero) : zero;
        Vector512<float> r3 = 3 < rows ? Avx512F.MaskLoad(source + 3 * stride, columnMask, zero) : zero;
        Vector512<float> r4 = 4 < rows ? Avx512F.MaskLoad(source + 4 * stride, columnMask, zero) : zero;
        Vector512<float> r5 = 5 < rows ? Avx512F.MaskLoad(source + 5 * stride, columnMask, zero) : zero;
        Vector512<float> r6 = 6 < rows ? Avx512F.MaskLoad(source + 6 * stride, columnMask, zero) : zero;
        Vector512<float> r7 = 7 < rows ? Avx512F.MaskLoad(source + 7 * stride, columnMask, zero) : zero;
        Vector512<float> r8 = 8 < rows ? Avx512F.MaskLoad(source + 8 * stride, columnMask, zero) : zero;
        Vector512<float> r9 = 9 < rows ? Avx512F.MaskLoad(source + 9 * stride, columnMask, zero) : zero;
        Vector512<float> r10 = 10 < rows ? Avx512F.MaskLoad(source + 10 * stride, columnMask, zero) : zero;
        Vector512<float> r11 = 11 < rows ? Avx512F.MaskLoad(source + 11 * stride, columnMask, zero) : zero;
        Vector512<float> r12 = 12 < rows ? Avx512F.MaskLoad(source + 12 * stride, columnMask, zero) : zero;
        Vector512<float> r13 = 13 < rows ? Avx512F.MaskLoad(source + 13 * stride, columnMask, zero) : zero;
        Vector512<float> r14 = 14 < rows ? Avx512F.MaskLoad(source + 14 * stride, columnMask, zero) : zero;
        Vector512<float> r15 = 15 < rows ? Avx512F.MaskLoad(source + 15 * stride, columnMask, zero) : zero;
        Vector512<int> low, high;
        low = Vector512.Create(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
        high = Vector512.Create(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
        Swap(ref r0, ref r1, low, high);
        Swap(ref r2, ref r3, low, high);
        Swap(ref r4, ref r5, low, high);
        Swap(ref r6, ref r7, low, high);
        Swap(ref r8, ref r9, low, high);
        Swap(ref r10, ref r11, low, high);
        Swap(ref r12, ref r13, low, high);
        Swap(ref r14, ref r15, low, high);
        low = Vector512.Create(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29);
        high = Vector512.Create(2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31);
        Swap(ref r0, ref r2, low, high);
        Swap(ref r1, ref r3, low, high);
        Swap(ref r4, ref r6, low, high);
        Swap(ref r5, ref r7, low, high);
        Swap(ref r8, ref r10, low, high);
        Swap(ref r9, ref r11, low, high);
        Swap(ref r12, ref r14, low, high);
        Swap(ref r13, ref r15, low, high);
        low = Vector512.Create(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27);
        high = Vector512.Create(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31);
        Swap(ref r0, ref r4, low, high);
        Swap(ref r1, ref r5, low, high);
        Swap(ref r2, ref r6, low, high);
        Swap(ref r3, ref r7, low, high);
        Swap(ref r8, ref r12, low, high);
        Swap(ref r9, ref r13, low, high);
        Swap(ref r10, ref r14, low, high);
        Swap(ref r11, ref r15, low, high);
        low = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        high = Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
        Swap(ref r0, ref r8, low, high);
        Swap(ref r1, ref r9, low, high);
        Swap(ref r2, ref r10, low, high);
        Swap(ref r3, ref r11, low, high);
        Swap(ref r4, ref r12, low, high);
        Swap(ref r5, ref r13, low, high);
        Swap(ref r6, ref r14, low, high);
        Swap(ref r7, ref r15, low, high);
        if (0 < columns) r0.Store(target + 0 * targetStride);
        if (1 < columns) r1.Store(target + 1 * targetStride);
        if (2 < columns) r2.Store(target + 2 * targetStride);
        if (3 < columns) r3.Store(target + 3 * targetStride);
        if (4 < columns) r4.Store(target + 4 * targetStride);
        if (5 < columns) r5.Store(target + 5 * targetStride);
        if (6 < columns) r6.Store(target + 6 * targetStride);
        if (7 < columns) r7.Store(target + 7 * targetStride);
        if (8 < columns) r8.Store(target + 8 * targetStride);
        if (9 < columns) r9.Store(target + 9 * targetStride);
        if (10 < columns) r10.Store(target + 10 * targetStride);
        if (11 < columns) r11.Store(target + 11 * targetStride);
        if (12 < columns) r12.Store(target + 12 * targetStride);
        if (13 < columns) r13.Store(target + 13 * targetStride);
        if (14 < columns) r14.Store(target + 14 * targetStride);
        if (15 < columns) r15.Store(target + 15 * targetStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(ref Vector512<float> a, ref Vector512<float> b, Vector512<int> low, Vector512<int> high)
    {
        Vector512<float> x = a;
        a = Avx512F.PermuteVar16x32x2(x, low, b);
        b = Avx512F.PermuteVar16x32x2(x, high, b);
    }

    /// <summary>One score row's masked softmax without its division, inlined into <see cref="Run4"/>.</summary>
    private readonly struct RowSoftmax(Vector512<float> scale, Vector512<float> mask0, Vector512<float> mask1, bool wide, bool causal,
        int firstValid, float fill)
    {
        /// <summary>Writes e = exp(x − max) of the 16 or 32 keys to <paramref name="weights"/>; returns 1/Σe.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Weights(Vector512<float> s0, Vector512<float> s1, int query, float* weights)
        {
            Vector512<float> x0 = Vector512.FusedMultiplyAdd(s0, scale, mask0);
            Vector512<float> x1 = wide ? Vector512.FusedMultiplyAdd(s1, scale, mask1) : Vector512.Create(float.NegativeInfinity);
            if (causal)
            {
                Vector512<int> lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), q = Vector512.Create(query);
                bool decomposed = query < firstValid;
                Vector512<float> f0 = decomposed ? Vector512.Create(fill) + mask0 : Vector512.Create(float.NegativeInfinity);
                Vector512<float> f1 = decomposed && wide ? Vector512.Create(fill) + mask1 : Vector512.Create(float.NegativeInfinity);
                x0 = Vector512.ConditionalSelect(Vector512.GreaterThan(lane, q).AsSingle(), f0, x0);
                x1 = Vector512.ConditionalSelect(Vector512.GreaterThan(lane + Vector512.Create(16), q).AsSingle(), f1, x1);
            }
            float max = SoftmaxRow.HorizontalMax(Vector512.Max(x0, x1));
            if (float.IsNegativeInfinity(max) || float.IsNaN(max))
                max = 0f; // as SoftmaxRow: all keys excluded (or NaN) keeps −∞ → 0 and NaN → NaN
            Vector512<float> vMax = Vector512.Create(max);
            Vector512<float> e0 = SoftmaxRow.Exp(x0 - vMax), e1 = wide ? SoftmaxRow.Exp(x1 - vMax) : default;
            e0.Store(weights);
            e1.Store(weights + 16);
            return 1f / Vector512.Sum(e0 + e1);
        }
    }
}
