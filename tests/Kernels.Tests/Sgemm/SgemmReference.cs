using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Tests.Fp32;

/// <summary>Plain double-precision SGEMM and GELU, independent of the kernels' code and formulas.</summary>
internal static class SgemmReference
{
    /// <summary>
    /// C = act(alpha·A·B + bias + (accumulate ? C : 0)) in double; also returns, per element, the magnitude scale
    /// |alpha|·Σ|a||b| + |bias| + |C| that rounding errors are measured against.
    /// </summary>
    public static (double[] Value, double[] Scale) Gemm(
        int m, int k, int n, float[] a, int lda, float[] b, bool transB, float[] c, int ldc,
        float alpha, float[]? bias, bool accumulate, GemmActivation activation)
    {
        var value = new double[m * n];
        var scale = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = a[i * lda + p];
                    double bv = transB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                    abs += Math.Abs(av * bv);
                }
                double v = alpha * sum;
                double s = Math.Abs(alpha) * abs;
                if (bias is not null)
                {
                    v += bias[j];
                    s += Math.Abs(bias[j]);
                }
                if (accumulate)
                {
                    v += c[i * ldc + j];
                    s += Math.Abs(c[i * ldc + j]);
                }
                value[i * n + j] = Activate(v, activation);
                scale[i * n + j] = s;
            }
        }
        return (value, scale);
    }

    public static double Activate(double x, GemmActivation activation) => activation switch
    {
        GemmActivation.GeluErf => GeluErf(x),
        // 0.5·x·(1 + tanh(u)) written as x / (1 + e^(−2u)): the same function, without 1 + tanh cancelling in the tail.
        GemmActivation.GeluTanh => x / (1 + Math.Exp(-2 * Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        _ => x,
    };

    /// <summary>x·Φ(x), Φ(x) = ½·erfc(−x/√2), with erfc accurate to ~1e-13 relative everywhere.</summary>
    public static double GeluErf(double x) => x * 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>erfc: Taylor series of erf for |z| &lt; 2.5, Laplace's continued fraction beyond (relative accuracy kept in the tail).</summary>
    public static double Erfc(double z)
    {
        if (z < -2.5)
            return 2 - Erfc(-z);
        if (z < 2.5)
        {
            double sum = 0, term = z;
            for (int n = 0; n < 200; n++)
            {
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.Abs(t) < 1e-18 * Math.Abs(sum))
                    break;
                term *= -z * z / (n + 1);
            }
            return 1 - 2 / Math.Sqrt(Math.PI) * sum;
        }
        // erfc(z) = e^{-z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + …))))), evaluated from the bottom.
        double f = z;
        for (int n = 200; n >= 1; n--)
            f = z + n / 2.0 / f;
        return Math.Exp(-z * z) / Math.Sqrt(Math.PI) / f;
    }
}
