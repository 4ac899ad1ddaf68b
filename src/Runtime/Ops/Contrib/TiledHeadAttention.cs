using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// The two products of one attention head over more than 32 keys as register tiles of six query rows, with AVX-512F:
/// <see cref="Scores"/> computes S = scale·Q·Kᵀ for the six rows against a dense Kᵀ [dk, keyWidth] 64 keys (four zmm) at a
/// time, and <see cref="Context"/> computes Σⱼ eⱼ·vⱼ for the six rows 64 value columns at a time, reading V's rows where
/// they are (the fused QKV buffer), each row scaled by its 1/Σe as it is stored. Both keep 24 accumulators in registers and
/// feed each pair of loads' four vectors to six rows (24 FMAs per 4 loads and 6 broadcasts), and both are leaves, so the
/// JIT keeps the tile in registers. The softmax between them runs on the six score rows in L1 (<see cref="SoftmaxRow"/>).
/// This replaces the GEMM form where the value head size is a multiple of 16 (BERT's 64): that form packs K and V into
/// 48-column panels per head and, at dv = 64, leaves a third of its second panel empty.
/// </summary>
internal static unsafe class TiledHeadAttention
{
    /// <summary>Query rows per tile.</summary>
    public const int Rows = 6;

    /// <summary>Where the tiled form applies: AVX-512F and value head sizes that are whole zmm.</summary>
    public static bool Applies(int keys, int qkHead, int vHead) =>
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated && keys > 0 && qkHead > 0 && vHead > 0 && vHead % 16 == 0;

    /// <summary>
    /// scores[r·scoreStride + j] = scale · Σ_d queries[r][d] · keysT[d·keyWidth + j] for the six rows and j &lt; <paramref name="keys"/>
    /// (a multiple of 16, at most keyWidth; Kᵀ zero past the real keys). Rows past the tile's real ones repeat a real row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a kernel: fully optimized (no calls) from its first call
    public static void Scores(float** queries, int dk, float* keysT, int keyWidth, int keys, float scale, float* scores, int scoreStride)
    {
        float* q0 = queries[0], q1 = queries[1], q2 = queries[2], q3 = queries[3], q4 = queries[4], q5 = queries[5];
        Vector512<float> vScale = Vector512.Create(scale);
        int j = 0;
        for (; j + 64 <= keys; j += 64)
        {
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
            Vector512<float> a40 = default, a41 = default, a42 = default, a43 = default;
            Vector512<float> a50 = default, a51 = default, a52 = default, a53 = default;
            float* k = keysT + j;
            for (int d = 0; d < dk; d++, k += keyWidth)
            {
                Vector512<float> k0 = Vector512.Load(k), k1 = Vector512.Load(k + 16), k2 = Vector512.Load(k + 32), k3 = Vector512.Load(k + 48);
                Vector512<float> b = Vector512.Create(q0[d]);
                a00 = Vector512.FusedMultiplyAdd(b, k0, a00);
                a01 = Vector512.FusedMultiplyAdd(b, k1, a01);
                a02 = Vector512.FusedMultiplyAdd(b, k2, a02);
                a03 = Vector512.FusedMultiplyAdd(b, k3, a03);
                b = Vector512.Create(q1[d]);
                a10 = Vector512.FusedMultiplyAdd(b, k0, a10);
                a11 = Vector512.FusedMultiplyAdd(b, k1, a11);
                a12 = Vector512.FusedMultiplyAdd(b, k2, a12);
                a13 = Vector512.FusedMultiplyAdd(b, k3, a13);
                b = Vector512.Create(q2[d]);
                a20 = Vector512.FusedMultiplyAdd(b, k0, a20);
                a21 = Vector512.FusedMultiplyAdd(b, k1, a21);
                a22 = Vector512.FusedMultiplyAdd(b, k2, a22);
                a23 = Vector512.FusedMultiplyAdd(b, k3, a23);
                b = Vector512.Create(q3[d]);
                a30 = Vector512.FusedMultiplyAdd(b, k0, a30);
                a31 = Vector512.FusedMultiplyAdd(b, k1, a31);
                a32 = Vector512.FusedMultiplyAdd(b, k2, a32);
                a33 = Vector512.FusedMultiplyAdd(b, k3, a33);
                b = Vector512.Create(q4[d]);
                a40 = Vector512.FusedMultiplyAdd(b, k0, a40);
                a41 = Vector512.FusedMultiplyAdd(b, k1, a41);
                a42 = Vector512.FusedMultiplyAdd(b, k2, a42);
                a43 = Vector512.FusedMultiplyAdd(b, k3, a43);
                b = Vector512.Create(q5[d]);
                a50 = Vector512.FusedMultiplyAdd(b, k0, a50);
                a51 = Vector512.FusedMultiplyAdd(b, k1, a51);
                a52 = Vector512.FusedMultiplyAdd(b, k2, a52);
                a53 = Vector512.FusedMultiplyAdd(b, k3, a53);
            }
            float* s = scores + j;
            (a00 * vScale).Store(s); (a01 * vScale).Store(s + 16); (a02 * vScale).Store(s + 32); (a03 * vScale).Store(s + 48);
            s += scoreStride;
            (a10 * vScale).Store(s); (a11 * vScale).Store(s + 16); (a12 * vScale).Store(s + 32); (a13 * vScale).Store(s + 48);
            s += scoreStride;
            (a20 * vScale).Store(s); (a21 * vScale).Store(s + 16); (a22 * vScale).Store(s + 32); (a23 * vScale).Store(s + 48);
            s += scoreStride;
            (a30 * vScale).Store(s); (a31 * vScale).Store(s + 16); (a32 * vScale).Store(s + 32); (a33 * vScale).Store(s + 48);
            s += scoreStride;
            (a40 * vScale).Store(s); (a41 * vScale).Store(s + 16); (a42 * vScale).Store(s + 32); (a43 * vScale).Store(s + 48);
            s += scoreStride;
            (a50 * vScale).Store(s); (a51 * vScale).Store(s + 16); (a52 * vScale).Store(s + 32); (a53 * vScale).Store(s + 48);
        }
        if (j + 32 <= keys)
        {
            // 32 of the last 48 keys in one pass: each q broadcast feeds two zmm (MiniLM's 225 keys end in 32 + 16).
            float* s = scores + j;
            SixRowsBy32(q0, q1, q2, q3, q4, q5, keysT + j, keyWidth, dk,
                s, s + scoreStride, s + 2 * scoreStride, s + 3 * scoreStride, s + 4 * scoreStride, s + 5 * scoreStride,
                vScale, vScale, vScale, vScale, vScale, vScale);
            j += 32;
        }
        for (; j < keys; j += 16)
        {
            // The last 16 keys one zmm at a time; even and odd d in separate accumulators keep twelve chains.
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
            float* k = keysT + j;
            int d = 0;
            for (; d + 2 <= dk; d += 2, k += 2 * keyWidth)
            {
                Vector512<float> k0 = Vector512.Load(k), k1 = Vector512.Load(k + keyWidth);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q0[d]), k0, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(q1[d]), k0, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(q2[d]), k0, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(q3[d]), k0, a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.Create(q4[d]), k0, a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.Create(q5[d]), k0, a5);
                c0 = Vector512.FusedMultiplyAdd(Vector512.Create(q0[d + 1]), k1, c0);
                c1 = Vector512.FusedMultiplyAdd(Vector512.Create(q1[d + 1]), k1, c1);
                c2 = Vector512.FusedMultiplyAdd(Vector512.Create(q2[d + 1]), k1, c2);
                c3 = Vector512.FusedMultiplyAdd(Vector512.Create(q3[d + 1]), k1, c3);
                c4 = Vector512.FusedMultiplyAdd(Vector512.Create(q4[d + 1]), k1, c4);
                c5 = Vector512.FusedMultiplyAdd(Vector512.Create(q5[d + 1]), k1, c5);
            }
            if (d < dk)
            {
                Vector512<float> k0 = Vector512.Load(k);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(q0[d]), k0, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(q1[d]), k0, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(q2[d]), k0, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(q3[d]), k0, a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.Create(q4[d]), k0, a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.Create(q5[d]), k0, a5);
            }
            float* s = scores + j;
            ((a0 + c0) * vScale).Store(s);
            ((a1 + c1) * vScale).Store(s + scoreStride);
            ((a2 + c2) * vScale).Store(s + 2 * scoreStride);
            ((a3 + c3) * vScale).Store(s + 3 * scoreStride);
            ((a4 + c4) * vScale).Store(s + 4 * scoreStride);
            ((a5 + c5) * vScale).Store(s + 5 * scoreStride);
        }
    }

    /// <summary>
    /// outputs[r][c] = inverse[r] · Σ_{j &lt; keys} weights[r·weightStride + j] · values[j·valueStride + c] for the six rows and
    /// c &lt; <paramref name="dv"/> (a multiple of 16). Rows past the tile's real ones may point at one shared scratch row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Context(float* weights, int weightStride, int keys, float* values, long valueStride, int dv, float** outputs, float* inverse)
    {
        float* w0 = weights, w1 = w0 + weightStride, w2 = w1 + weightStride, w3 = w2 + weightStride, w4 = w3 + weightStride, w5 = w4 + weightStride;
        int c = 0;
        for (; c + 64 <= dv; c += 64)
        {
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
            Vector512<float> a40 = default, a41 = default, a42 = default, a43 = default;
            Vector512<float> a50 = default, a51 = default, a52 = default, a53 = default;
            float* v = values + c;
            for (int j = 0; j < keys; j++, v += valueStride)
            {
                Vector512<float> v0 = Vector512.Load(v), v1 = Vector512.Load(v + 16), v2 = Vector512.Load(v + 32), v3 = Vector512.Load(v + 48);
                Vector512<float> b = Vector512.Create(w0[j]);
                a00 = Vector512.FusedMultiplyAdd(b, v0, a00);
                a01 = Vector512.FusedMultiplyAdd(b, v1, a01);
                a02 = Vector512.FusedMultiplyAdd(b, v2, a02);
                a03 = Vector512.FusedMultiplyAdd(b, v3, a03);
                b = Vector512.Create(w1[j]);
                a10 = Vector512.FusedMultiplyAdd(b, v0, a10);
                a11 = Vector512.FusedMultiplyAdd(b, v1, a11);
                a12 = Vector512.FusedMultiplyAdd(b, v2, a12);
                a13 = Vector512.FusedMultiplyAdd(b, v3, a13);
                b = Vector512.Create(w2[j]);
                a20 = Vector512.FusedMultiplyAdd(b, v0, a20);
                a21 = Vector512.FusedMultiplyAdd(b, v1, a21);
                a22 = Vector512.FusedMultiplyAdd(b, v2, a22);
                a23 = Vector512.FusedMultiplyAdd(b, v3, a23);
                b = Vector512.Create(w3[j]);
                a30 = Vector512.FusedMultiplyAdd(b, v0, a30);
                a31 = Vector512.FusedMultiplyAdd(b, v1, a31);
                a32 = Vector512.FusedMultiplyAdd(b, v2, a32);
                a33 = Vector512.FusedMultiplyAdd(b, v3, a33);
                b = Vector512.Create(w4[j]);
                a40 = Vector512.FusedMultiplyAdd(b, v0, a40);
                a41 = Vector512.FusedMultiplyAdd(b, v1, a41);
                a42 = Vector512.FusedMultiplyAdd(b, v2, a42);
                a43 = Vector512.FusedMultiplyAdd(b, v3, a43);
                b = Vector512.Create(w5[j]);
                a50 = Vector512.FusedMultiplyAdd(b, v0, a50);
                a51 = Vector512.FusedMultiplyAdd(b, v1, a51);
                a52 = Vector512.FusedMultiplyAdd(b, v2, a52);
                a53 = Vector512.FusedMultiplyAdd(b, v3, a53);
            }
            Vector512<float> f = Vector512.Create(inverse[0]);
            float* o = outputs[0] + c;
            (a00 * f).Store(o); (a01 * f).Store(o + 16); (a02 * f).Store(o + 32); (a03 * f).Store(o + 48);
            f = Vector512.Create(inverse[1]);
            o = outputs[1] + c;
            (a10 * f).Store(o); (a11 * f).Store(o + 16); (a12 * f).Store(o + 32); (a13 * f).Store(o + 48);
            f = Vector512.Create(inverse[2]);
            o = outputs[2] + c;
            (a20 * f).Store(o); (a21 * f).Store(o + 16); (a22 * f).Store(o + 32); (a23 * f).Store(o + 48);
            f = Vector512.Create(inverse[3]);
            o = outputs[3] + c;
            (a30 * f).Store(o); (a31 * f).Store(o + 16); (a32 * f).Store(o + 32); (a33 * f).Store(o + 48);
            f = Vector512.Create(inverse[4]);
            o = outputs[4] + c;
            (a40 * f).Store(o); (a41 * f).Store(o + 16); (a42 * f).Store(o + 32); (a43 * f).Store(o + 48);
            f = Vector512.Create(inverse[5]);
            o = outputs[5] + c;
            (a50 * f).Store(o); (a51 * f).Store(o + 16); (a52 * f).Store(o + 32); (a53 * f).Store(o + 48);
        }
        if (c + 32 <= dv)
        {
            // 32 columns in one pass (MiniLM's head size): each weight broadcast feeds two zmm.
            SixRowsBy32(w0, w1, w2, w3, w4, w5, values + c, valueStride, keys,
                outputs[0] + c, outputs[1] + c, outputs[2] + c, outputs[3] + c, outputs[4] + c, outputs[5] + c,
                Vector512.Create(inverse[0]), Vector512.Create(inverse[1]), Vector512.Create(inverse[2]),
                Vector512.Create(inverse[3]), Vector512.Create(inverse[4]), Vector512.Create(inverse[5]));
            c += 32;
        }
        for (; c < dv; c += 16)
        {
            // The last 16 columns one zmm at a time; even and odd keys in separate accumulators keep twelve chains.
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
            Vector512<float> e0 = default, e1 = default, e2 = default, e3 = default, e4 = default, e5 = default;
            float* v = values + c;
            int j = 0;
            for (; j + 2 <= keys; j += 2, v += 2 * valueStride)
            {
                Vector512<float> v0 = Vector512.Load(v), v1 = Vector512.Load(v + valueStride);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(w0[j]), v0, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(w1[j]), v0, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(w2[j]), v0, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(w3[j]), v0, a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.Create(w4[j]), v0, a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.Create(w5[j]), v0, a5);
                e0 = Vector512.FusedMultiplyAdd(Vector512.Create(w0[j + 1]), v1, e0);
                e1 = Vector512.FusedMultiplyAdd(Vector512.Create(w1[j + 1]), v1, e1);
                e2 = Vector512.FusedMultiplyAdd(Vector512.Create(w2[j + 1]), v1, e2);
                e3 = Vector512.FusedMultiplyAdd(Vector512.Create(w3[j + 1]), v1, e3);
                e4 = Vector512.FusedMultiplyAdd(Vector512.Create(w4[j + 1]), v1, e4);
                e5 = Vector512.FusedMultiplyAdd(Vector512.Create(w5[j + 1]), v1, e5);
            }
            if (j < keys)
            {
                Vector512<float> v0 = Vector512.Load(v);
                a0 = Vector512.FusedMultiplyAdd(Vector512.Create(w0[j]), v0, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.Create(w1[j]), v0, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.Create(w2[j]), v0, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.Create(w3[j]), v0, a3);
                a4 = Vector512.FusedMultiplyAdd(Vector512.Create(w4[j]), v0, a4);
                a5 = Vector512.FusedMultiplyAdd(Vector512.Create(w5[j]), v0, a5);
            }
            ((a0 + e0) * Vector512.Create(inverse[0])).Store(outputs[0] + c);
            ((a1 + e1) * Vector512.Create(inverse[1])).Store(outputs[1] + c);
            ((a2 + e2) * Vector512.Create(inverse[2])).Store(outputs[2] + c);
            ((a3 + e3) * Vector512.Create(inverse[3])).Store(outputs[3] + c);
            ((a4 + e4) * Vector512.Create(inverse[4])).Store(outputs[4] + c);
            ((a5 + e5) * Vector512.Create(inverse[5])).Store(outputs[5] + c);
        }
    }

    /// <summary>
    /// The 32-wide pass both products share: for six rows, acc_r = Σ_{t &lt; depth} rows_r[t] · panel[t·panelStride, + 32)
    /// (Scores: q · Kᵀ columns; Context: e · V rows), stored as acc_r · scale_r at dst_r. Always inlined, so
    /// <see cref="Scores"/> and <see cref="Context"/> stay leaves with its twelve accumulators in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SixRowsBy32(float* r0, float* r1, float* r2, float* r3, float* r4, float* r5, float* panel, long panelStride,
        int depth, float* d0, float* d1, float* d2, float* d3, float* d4, float* d5,
        Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, Vector512<float> s4, Vector512<float> s5)
    {
        Vector512<float> a00 = default, a01 = default;
        Vector512<float> a10 = default, a11 = default;
        Vector512<float> a20 = default, a21 = default;
        Vector512<float> a30 = default, a31 = default;
        Vector512<float> a40 = default, a41 = default;
        Vector512<float> a50 = default, a51 = default;
        for (int t = 0; t < depth; t++, panel += panelStride)
        {
            Vector512<float> p0 = Vector512.Load(panel), p1 = Vector512.Load(panel + 16);
            Vector512<float> b0 = Vector512.Create(r0[t]);
            a00 = Vector512.FusedMultiplyAdd(b0, p0, a00);
            a01 = Vector512.FusedMultiplyAdd(b0, p1, a01);
            Vector512<float> b1 = Vector512.Create(r1[t]);
            a10 = Vector512.FusedMultiplyAdd(b1, p0, a10);
            a11 = Vector512.FusedMultiplyAdd(b1, p1, a11);
            Vector512<float> b2 = Vector512.Create(r2[t]);
            a20 = Vector512.FusedMultiplyAdd(b2, p0, a20);
            a21 = Vector512.FusedMultiplyAdd(b2, p1, a21);
            Vector512<float> b3 = Vector512.Create(r3[t]);
            a30 = Vector512.FusedMultiplyAdd(b3, p0, a30);
            a31 = Vector512.FusedMultiplyAdd(b3, p1, a31);
            Vector512<float> b4 = Vector512.Create(r4[t]);
            a40 = Vector512.FusedMultiplyAdd(b4, p0, a40);
            a41 = Vector512.FusedMultiplyAdd(b4, p1, a41);
            Vector512<float> b5 = Vector512.Create(r5[t]);
            a50 = Vector512.FusedMultiplyAdd(b5, p0, a50);
            a51 = Vector512.FusedMultiplyAdd(b5, p1, a51);
        }
        (a00 * s0).Store(d0); (a01 * s0).Store(d0 + 16);
        (a10 * s1).Store(d1); (a11 * s1).Store(d1 + 16);
        (a20 * s2).Store(d2); (a21 * s2).Store(d2 + 16);
        (a30 * s3).Store(d3); (a31 * s3).Store(d3 + 16);
        (a40 * s4).Store(d4); (a41 * s4).Store(d4 + 16);
        (a50 * s5).Store(d5); (a51 * s5).Store(d5 + 16);
    }
}
