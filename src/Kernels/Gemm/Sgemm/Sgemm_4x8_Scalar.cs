namespace MlNetGraviton.Kernels.Gemm;

internal static unsafe partial class SgemmKernels
{
    /// <summary>
    /// C[0..rows, 0..8) = epilogue(alpha·A·Bpanel + base) in plain C#: the fallback for any CPU and the
    /// kernel behind <see cref="IsaLevel.Scalar"/>. Accumulates in float, one multiply-add per element per K step.
    /// </summary>
    public static void Sgemm_4x8_Scalar(
        float* a, nint lda, int rows, float* b, int kc, float* c, nint ldc,
        float alpha, float* bias, SgemmTileFlags flags, GemmActivation activation)
    {
        const int Mr = 4, Nr = 8;
        float* acc = stackalloc float[Mr * Nr];
        for (int i = 0; i < Mr * Nr; i++)
            acc[i] = 0f;
        for (int r = 0; r < rows; r++)
        {
            float* ar = a + r * lda;
            float* accRow = acc + r * Nr;
            float* bk = b;
            for (int k = 0; k < kc; k++, bk += Nr)
            {
                float av = ar[k];
                for (int j = 0; j < Nr; j++)
                    accRow[j] += av * bk[j];
            }
        }

        bool first = (flags & SgemmTileFlags.FirstBlock) != 0;
        bool loadC = !first || (flags & SgemmTileFlags.Accumulate) != 0;
        bool last = (flags & SgemmTileFlags.LastBlock) != 0;
        for (int r = 0; r < rows; r++)
        {
            float* cr = c + r * ldc;
            for (int j = 0; j < Nr; j++)
            {
                float baseValue = (loadC ? cr[j] : 0f) + (first && bias != null ? bias[j] : 0f);
                float v = alpha * acc[r * Nr + j] + baseValue;
                if (last)
                {
                    v = activation switch
                    {
                        GemmActivation.GeluErf => SgemmActivationMath.GeluErf(v),
                        GemmActivation.GeluTanh => SgemmActivationMath.GeluTanh(v),
                        _ => v,
                    };
                }
                cr[j] = v;
            }
        }
    }
}
