namespace MlNetGraviton.Models.Tests.Reference;

/// <summary>Plain double-precision loops, one sequence at a time: x[t][feature].</summary>
internal static class ReferenceMath
{
    /// <summary>y = x W + b with W stored [in, out] row-major.</summary>
    public static double[][] Linear(double[][] x, float[] weight, float[] bias)
    {
        int outFeatures = bias.Length;
        int inFeatures = weight.Length / outFeatures;
        var y = new double[x.Length][];
        for (int t = 0; t < x.Length; t++)
        {
            var row = new double[outFeatures];
            for (int o = 0; o < outFeatures; o++)
                row[o] = bias[o];
            for (int i = 0; i < inFeatures; i++)
            {
                double xi = x[t][i];
                for (int o = 0; o < outFeatures; o++)
                    row[o] += xi * weight[i * outFeatures + o];
            }
            y[t] = row;
        }
        return y;
    }

    public static double[][] LayerNorm(double[][] x, float[] gamma, float[] beta, double epsilon)
    {
        var y = new double[x.Length][];
        for (int t = 0; t < x.Length; t++)
        {
            double mean = x[t].Average();
            double variance = x[t].Select(v => (v - mean) * (v - mean)).Average();
            double inverse = 1.0 / Math.Sqrt(variance + epsilon);
            y[t] = x[t].Select((v, i) => (v - mean) * inverse * gamma[i] + beta[i]).ToArray();
        }
        return y;
    }

    public static double[][] Add(double[][] a, double[][] b) =>
        a.Select((row, t) => row.Select((v, i) => v + b[t][i]).ToArray()).ToArray();

    public static double[][] Map(double[][] x, Func<double, double> f) =>
        x.Select(row => row.Select(f).ToArray()).ToArray();

    public static double GeluErf(double x) => 0.5 * x * (1.0 + Erf(x / Math.Sqrt(2.0)));

    public static double GeluTanh(double x) =>
        0.5 * x * (1.0 + Math.Tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x)));

    /// <summary>erf by its Maclaurin series (accurate to ~1e-12 for |x| &lt; 3) and a continued fraction for erfc beyond.</summary>
    public static double Erf(double x)
    {
        double a = Math.Abs(x);
        double result;
        if (a < 3.0)
        {
            double term = a, sum = a;
            for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
            {
                term *= -a * a / n;
                sum += term / (2 * n + 1);
            }
            result = 2.0 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...)))), evaluated bottom-up.
            double fraction = a;
            for (int k = 60; k >= 1; k--)
                fraction = a + k / 2.0 / fraction;
            result = 1.0 - Math.Exp(-a * a) / Math.Sqrt(Math.PI) / fraction;
        }
        return x < 0 ? -result : result;
    }

    /// <summary>
    /// Scaled dot-product attention per head. A key is skipped when it is padding (unless the mask is dropped)
    /// or in the future of a causal query; a query with no visible key yields NaN (excluded from comparisons).
    /// </summary>
    public static double[][] Attention(double[][] q, double[][] k, double[][] v, bool[] keyValid, int heads, bool causal, Mutation mutation)
    {
        int length = q.Length, hidden = q[0].Length;
        int headDim = hidden / heads;
        double scale = mutation.HasFlag(Mutation.DropScale) ? 1.0 : 1.0 / Math.Sqrt(headDim);
        if (mutation.HasFlag(Mutation.SingleHead))
        {
            heads = 1;
            headDim = hidden;
        }
        bool useMask = !mutation.HasFlag(Mutation.DropAttentionMask);
        bool useCausal = causal && !mutation.HasFlag(Mutation.DropCausalMask);

        var output = new double[length][];
        for (int t = 0; t < length; t++)
        {
            output[t] = new double[hidden];
            for (int head = 0; head < heads; head++)
            {
                int offset = head * headDim;
                var scores = new List<(int Key, double Score)>();
                for (int j = 0; j < length; j++)
                {
                    if ((useMask && !keyValid[j]) || (useCausal && j > t))
                        continue;
                    double dot = 0;
                    for (int d = 0; d < headDim; d++)
                        dot += q[t][offset + d] * k[j][offset + d];
                    scores.Add((j, dot * scale));
                }
                if (scores.Count == 0)
                {
                    Array.Fill(output[t], double.NaN);
                    break;
                }
                double max = scores.Max(s => s.Score);
                double total = scores.Sum(s => Math.Exp(s.Score - max));
                foreach (var (key, score) in scores)
                {
                    double p = Math.Exp(score - max) / total;
                    for (int d = 0; d < headDim; d++)
                        output[t][offset + d] += p * v[key][offset + d];
                }
            }
        }
        return output;
    }
}
