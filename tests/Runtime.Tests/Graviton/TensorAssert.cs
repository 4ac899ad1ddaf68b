namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>Comparisons of a graviton output with the ONNX Runtime reference.</summary>
internal static class TensorAssert
{
    /// <summary>Integer and bool tensors must match exactly; float tensors element-wise within <paramref name="tolerance"/>·(1 + |expected|).</summary>
    public static void Same(Tensor expected, Tensor actual, string what, float tolerance = 1e-5f)
    {
        Assert.True(expected.ElementType == actual.ElementType, $"{what}: element type {actual.ElementType}, expected {expected.ElementType}");
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape {Tensor.FormatShape(actual.Shape)}, expected {Tensor.FormatShape(expected.Shape)}");
        if (expected.ElementType != TensorElementType.Float32)
        {
            Assert.True(RandomTensors.Bytes(expected).AsSpan().SequenceEqual(RandomTensors.Bytes(actual)), $"{what}: values differ");
            return;
        }
        ReadOnlySpan<float> e = expected.AsSpan<float>(), a = actual.AsSpan<float>();
        for (int i = 0; i < e.Length; i++)
        {
            if (float.IsNaN(e[i]))
            {
                Assert.True(float.IsNaN(a[i]), $"{what}[{i}]: expected NaN, got {a[i]}");
                continue;
            }
            if (float.IsInfinity(e[i]))
            {
                Assert.True(e[i] == a[i], $"{what}[{i}]: expected {e[i]}, got {a[i]}");
                continue;
            }
            Assert.True(Math.Abs(a[i] - e[i]) <= tolerance * (1 + Math.Abs(e[i])), $"{what}[{i}]: expected {e[i]}, got {a[i]}");
        }
    }

    /// <summary>
    /// The acceptance bar for graph parity: per row (last dimension) cosine ≥ 0.99999, and max |a − e| ≤ 1e-4 · max |e|.
    /// </summary>
    public static void Parity(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.Shape.SequenceEqual(actual.Shape),
            $"{what}: shape {Tensor.FormatShape(actual.Shape)}, expected {Tensor.FormatShape(expected.Shape)}");
        ReadOnlySpan<float> e = expected.AsSpan<float>(), a = actual.AsSpan<float>();
        int row = (int)expected.Dimension(expected.Rank - 1);
        double maxAbs = 0, maxDiff = 0, minCosine = 1;
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(float.IsFinite(a[i]), $"{what}[{i}] is {a[i]}");
            maxAbs = Math.Max(maxAbs, Math.Abs(e[i]));
            maxDiff = Math.Max(maxDiff, Math.Abs(a[i] - e[i]));
        }
        for (int start = 0; start < e.Length; start += row)
        {
            double dot = 0, ne = 0, na = 0;
            for (int i = start; i < start + row; i++)
            {
                dot += (double)a[i] * e[i];
                ne += (double)e[i] * e[i];
                na += (double)a[i] * a[i];
            }
            double cosine = ne == 0 && na == 0 ? 1 : dot / Math.Sqrt(ne * na);
            minCosine = Math.Min(minCosine, cosine);
        }
        Assert.True(minCosine >= 0.99999, $"{what}: min row cosine {minCosine:R} < 0.99999 (max abs diff {maxDiff:G4}, max |expected| {maxAbs:G4})");
        Assert.True(maxDiff <= 1e-4 * maxAbs, $"{what}: max abs diff {maxDiff:G4} > 1e-4 × max |expected| {maxAbs:G4}");
    }
}
