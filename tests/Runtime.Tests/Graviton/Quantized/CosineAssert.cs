namespace MlNetGraviton.Runtime.Tests.Graviton.Quantized;

/// <summary>Agreement of a quantized result with a reference: the smallest cosine over rows (last dimension).</summary>
internal static class CosineAssert
{
    public static double MinRowCosine(Tensor expected, Tensor actual)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"shape {Tensor.FormatShape(actual.Shape)}, expected {Tensor.FormatShape(expected.Shape)}");
        ReadOnlySpan<float> e = expected.AsSpan<float>(), a = actual.AsSpan<float>();
        int row = (int)expected.Dimension(expected.Rank - 1);
        double min = 1;
        for (int start = 0; start < e.Length; start += row)
        {
            double dot = 0, ne = 0, na = 0;
            for (int i = start; i < start + row; i++)
            {
                Assert.True(float.IsFinite(a[i]), $"element {i} is {a[i]}");
                dot += (double)a[i] * e[i];
                ne += (double)e[i] * e[i];
                na += (double)a[i] * a[i];
            }
            min = Math.Min(min, ne == 0 && na == 0 ? 1 : dot / Math.Sqrt(ne * na));
        }
        return min;
    }

    public static void AtLeast(double bar, Tensor expected, Tensor actual, string what)
    {
        double cosine = MinRowCosine(expected, actual);
        Assert.True(cosine >= bar, $"{what}: min row cosine {cosine:R} < {bar}");
    }
}
