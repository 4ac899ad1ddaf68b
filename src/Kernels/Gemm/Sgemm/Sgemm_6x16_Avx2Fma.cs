using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetGraviton.Kernels.Gemm;

internal static unsafe partial class SgemmKernels
{
    /// <summary>
    /// C[0..rows, 0..16) = epilogue(alpha·A[0..rows, 0..kc)·Bpanel + base), x86 AVX2+FMA. 12 ymm accumulators
    /// (6 rows × 2 vectors) + 2 B vectors + 1 broadcast use 15 of the 16 ymm registers; each K step is 12 FMAs
    /// against 2 B loads and 6 broadcasts, the BLIS/MLAS 6x16 shape. A leaf method: nothing here is a call,
    /// so the JIT keeps the accumulators in registers. Rows past <paramref name="rows"/> re-read the last valid
    /// row (no out-of-bounds reads) and are not stored; the caller gives a full 16-column C (a scratch tile at the edge).
    /// </summary>
    [SkipLocalsInit]
    public static void Sgemm_6x16_Avx2Fma(
        float* a, nint lda, int rows, float* b, int kc, float* c, nint ldc,
        float alpha, float* bias, SgemmTileFlags flags, GemmActivation activation)
    {
        float* a0 = a;
        float* a1 = rows > 1 ? a0 + lda : a0;
        float* a2 = rows > 2 ? a1 + lda : a1;
        float* a3 = rows > 3 ? a2 + lda : a2;
        float* a4 = rows > 4 ? a3 + lda : a3;
        float* a5 = rows > 5 ? a4 + lda : a4;

        // The C tile is read (partial sums) and written after the K loop; with a large ldc its rows share L1 sets and
        // live in L2/L3, so start fetching them now and the epilogue does not stall on 12 cache misses.
        for (int r = 0; r < rows; r++)
        {
            Sse.Prefetch0(c + r * ldc);
            Sse.Prefetch0(c + r * ldc + 15);
        }

        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero, c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero, c51 = Vector256<float>.Zero;

        nint kEnd = kc;
        for (nint k = 0; k < kEnd; k++)
        {
            Vector256<float> b0 = Avx.LoadVector256(b);
            Vector256<float> b1 = Avx.LoadVector256(b + 8);
            Vector256<float> av = Vector256.Create(a0[k]);
            c00 = Fma.MultiplyAdd(av, b0, c00);
            c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(a1[k]);
            c10 = Fma.MultiplyAdd(av, b0, c10);
            c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(a2[k]);
            c20 = Fma.MultiplyAdd(av, b0, c20);
            c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(a3[k]);
            c30 = Fma.MultiplyAdd(av, b0, c30);
            c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Vector256.Create(a4[k]);
            c40 = Fma.MultiplyAdd(av, b0, c40);
            c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Vector256.Create(a5[k]);
            c50 = Fma.MultiplyAdd(av, b0, c50);
            c51 = Fma.MultiplyAdd(av, b1, c51);
            b += 16;
        }

        // Epilogue: out = alpha·acc + base, base = C (partial sum, or the user's C when accumulating) and/or bias.
        bool first = (flags & SgemmTileFlags.FirstBlock) != 0;
        bool loadC = !first || (flags & SgemmTileFlags.Accumulate) != 0;
        Vector256<float> bias0 = Vector256<float>.Zero, bias1 = Vector256<float>.Zero;
        if (first && bias != null)
        {
            bias0 = Avx.LoadVector256(bias);
            bias1 = Avx.LoadVector256(bias + 8);
        }
        Vector256<float> va = Vector256.Create(alpha);
        float* c0 = c;
        Avx.Store(c0, Fma.MultiplyAdd(va, c00, Base(c0, loadC, bias0)));
        Avx.Store(c0 + 8, Fma.MultiplyAdd(va, c01, Base(c0 + 8, loadC, bias1)));
        if (rows > 1)
        {
            float* c1 = c0 + ldc;
            Avx.Store(c1, Fma.MultiplyAdd(va, c10, Base(c1, loadC, bias0)));
            Avx.Store(c1 + 8, Fma.MultiplyAdd(va, c11, Base(c1 + 8, loadC, bias1)));
        }
        if (rows > 2)
        {
            float* c2 = c0 + 2 * ldc;
            Avx.Store(c2, Fma.MultiplyAdd(va, c20, Base(c2, loadC, bias0)));
            Avx.Store(c2 + 8, Fma.MultiplyAdd(va, c21, Base(c2 + 8, loadC, bias1)));
        }
        if (rows > 3)
        {
            float* c3 = c0 + 3 * ldc;
            Avx.Store(c3, Fma.MultiplyAdd(va, c30, Base(c3, loadC, bias0)));
            Avx.Store(c3 + 8, Fma.MultiplyAdd(va, c31, Base(c3 + 8, loadC, bias1)));
        }
        if (rows > 4)
        {
            float* c4 = c0 + 4 * ldc;
            Avx.Store(c4, Fma.MultiplyAdd(va, c40, Base(c4, loadC, bias0)));
            Avx.Store(c4 + 8, Fma.MultiplyAdd(va, c41, Base(c4 + 8, loadC, bias1)));
        }
        if (rows > 5)
        {
            float* c5 = c0 + 5 * ldc;
            Avx.Store(c5, Fma.MultiplyAdd(va, c50, Base(c5, loadC, bias0)));
            Avx.Store(c5 + 8, Fma.MultiplyAdd(va, c51, Base(c5 + 8, loadC, bias1)));
        }

        // The activation runs over the tile just stored (hot in L1) rather than on the 12 registers: one inlined copy
        // of the GELU code instead of twelve keeps the method small enough for the JIT's inliner.
        if ((flags & SgemmTileFlags.LastBlock) != 0 && activation != GemmActivation.None)
        {
            for (int r = 0; r < rows; r++)
            {
                float* row = c0 + r * ldc;
                Vector256<float> v0 = Avx.LoadVector256(row), v1 = Avx.LoadVector256(row + 8);
                if (activation == GemmActivation.GeluErf)
                {
                    v0 = SgemmActivationMath.GeluErf(v0);
                    v1 = SgemmActivationMath.GeluErf(v1);
                }
                else
                {
                    v0 = SgemmActivationMath.GeluTanh(v0);
                    v1 = SgemmActivationMath.GeluTanh(v1);
                }
                Avx.Store(row, v0);
                Avx.Store(row + 8, v1);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Base(float* c, bool loadC, Vector256<float> bias) =>
        loadC ? Avx.LoadVector256(c) + bias : bias;
}
