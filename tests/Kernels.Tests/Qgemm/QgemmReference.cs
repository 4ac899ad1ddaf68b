namespace MlNetGraviton.Kernels.Tests.Qgemm;

/// <summary>Plain scalar int8 GEMM: Σₖ (a − za)(b − zb[j]) in 64-bit, wrapped to int32 as MatMulInteger defines it.</summary>
internal static class QgemmReference
{
    public static int[] Int32(int m, int k, int n, int[] a, int lda, int za, sbyte[] b, int[] zb)
    {
        var c = new int[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                long sum = 0;
                for (int kk = 0; kk < k; kk++)
                    sum += (long)(a[i * lda + kk] - za) * (b[kk * n + j] - zb[zb.Length == 1 ? 0 : j]);
                c[i * n + j] = unchecked((int)sum);
            }
        }
        return c;
    }

    /// <summary>The dequantized result in double: C·(aScale·bScale[j]) + bias[j].</summary>
    public static double[] Float(int m, int n, int[] cInt, float aScale, float[] bScales, float[]? bias)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double scale = (double)aScale * bScales[bScales.Length == 1 ? 0 : j];
                c[i * n + j] = cInt[i * n + j] * scale + (bias is null ? 0 : bias[j]);
            }
        }
        return c;
    }
}
