using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetGraviton.Kernels.Gemm;

internal static unsafe partial class SgemmKernels
{
    /// <summary>
    /// C[0..rows, 0..8) = epilogue(alpha·A·Bpanel + base) with 128-bit vectors: 16 accumulators (8 rows × 2) + 2 B
    /// vectors + 1 broadcast fit Arm64's 32 vector registers; each K step is 16 FMLA against 2 loads and 8 LD1R.
    /// Written with portable Vector128 operations (FMLA on Arm64), so the same code also runs on x86 for testing,
    /// where it spills (16 xmm registers) and is not selected. Leaf method; same edge rules as the 6x16 kernel.
    /// </summary>
    [SkipLocalsInit]
    public static void Sgemm_8x8_Neon(
        float* a, nint lda, int rows, float* b, int kc, float* c, nint ldc,
        float alpha, float* bias, SgemmTileFlags flags, GemmActivation activation)
    {
        float* a0 = a;
        float* a1 = rows > 1 ? a0 + lda : a0;
        float* a2 = rows > 2 ? a1 + lda : a1;
        float* a3 = rows > 3 ? a2 + lda : a2;
        float* a4 = rows > 4 ? a3 + lda : a3;
        float* a5 = rows > 5 ? a4 + lda : a4;
        float* a6 = rows > 6 ? a5 + lda : a5;
        float* a7 = rows > 7 ? a6 + lda : a6;

        Vector128<float> c00 = Vector128<float>.Zero, c01 = Vector128<float>.Zero;
        Vector128<float> c10 = Vector128<float>.Zero, c11 = Vector128<float>.Zero;
        Vector128<float> c20 = Vector128<float>.Zero, c21 = Vector128<float>.Zero;
        Vector128<float> c30 = Vector128<float>.Zero, c31 = Vector128<float>.Zero;
        Vector128<float> c40 = Vector128<float>.Zero, c41 = Vector128<float>.Zero;
        Vector128<float> c50 = Vector128<float>.Zero, c51 = Vector128<float>.Zero;
        Vector128<float> c60 = Vector128<float>.Zero, c61 = Vector128<float>.Zero;
        Vector128<float> c70 = Vector128<float>.Zero, c71 = Vector128<float>.Zero;

        nint kEnd = kc;
        for (nint k = 0; k < kEnd; k++)
        {
            Vector128<float> b0 = Vector128.Load(b);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> av = Vector128.Create(a0[k]);
            c00 = Vector128.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector128.FusedMultiplyAdd(av, b1, c01);
            av = Vector128.Create(a1[k]);
            c10 = Vector128.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector128.FusedMultiplyAdd(av, b1, c11);
            av = Vector128.Create(a2[k]);
            c20 = Vector128.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector128.FusedMultiplyAdd(av, b1, c21);
            av = Vector128.Create(a3[k]);
            c30 = Vector128.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector128.FusedMultiplyAdd(av, b1, c31);
            av = Vector128.Create(a4[k]);
            c40 = Vector128.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector128.FusedMultiplyAdd(av, b1, c41);
            av = Vector128.Create(a5[k]);
            c50 = Vector128.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector128.FusedMultiplyAdd(av, b1, c51);
            av = Vector128.Create(a6[k]);
            c60 = Vector128.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector128.FusedMultiplyAdd(av, b1, c61);
            av = Vector128.Create(a7[k]);
            c70 = Vector128.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector128.FusedMultiplyAdd(av, b1, c71);
            b += 8;
        }

        bool first = (flags & SgemmTileFlags.FirstBlock) != 0;
        bool loadC = !first || (flags & SgemmTileFlags.Accumulate) != 0;
        Vector128<float> bias0 = Vector128<float>.Zero, bias1 = Vector128<float>.Zero;
        if (first && bias != null)
        {
            bias0 = Vector128.Load(bias);
            bias1 = Vector128.Load(bias + 4);
        }
        Vector128<float> va = Vector128.Create(alpha);
        float* c0 = c;
        Vector128.Store(Vector128.FusedMultiplyAdd(va, c00, Base(c0, loadC, bias0)), c0);
        Vector128.Store(Vector128.FusedMultiplyAdd(va, c01, Base(c0 + 4, loadC, bias1)), c0 + 4);
        if (rows > 1)
        {
            float* r = c0 + ldc;
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c10, Base(r, loadC, bias0)), r);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c11, Base(r + 4, loadC, bias1)), r + 4);
        }
        if (rows > 2)
        {
            float* r = c0 + 2 * ldc;
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c20, Base(r, loadC, bias0)), r);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c21, Base(r + 4, loadC, bias1)), r + 4);
        }
        if (rows > 3)
        {
            float* r = c0 + 3 * ldc;
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c30, Base(r, loadC, bias0)), r);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c31, Base(r + 4, loadC, bias1)), r + 4);
        }
        if (rows > 4)
        {
            float* r = c0 + 4 * ldc;
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c40, Base(r, loadC, bias0)), r);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c41, Base(r + 4, loadC, bias1)), r + 4);
        }
        if (rows > 5)
        {
            float* r = c0 + 5 * ldc;
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c50, Base(r, loadC, bias0)), r);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c51, Base(r + 4, loadC, bias1)), r + 4);
        }
        if (rows > 6)
        {
            float* r = c0 + 6 * ldc;
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c60, Base(r, loadC, bias0)), r);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c61, Base(r + 4, loadC, bias1)), r + 4);
        }
        if (rows > 7)
        {
            float* r = c0 + 7 * ldc;
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c70, Base(r, loadC, bias0)), r);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c71, Base(r + 4, loadC, bias1)), r + 4);
        }

        if ((flags & SgemmTileFlags.LastBlock) != 0 && activation != GemmActivation.None)
        {
            for (int i = 0; i < rows; i++)
            {
                float* row = c0 + i * ldc;
                Vector128<float> v0 = Vector128.Load(row), v1 = Vector128.Load(row + 4);
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
                Vector128.Store(v0, row);
                Vector128.Store(v1, row + 4);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Base(float* c, bool loadC, Vector128<float> bias) =>
        loadC ? Vector128.Load(c) + bias : bias;
}
