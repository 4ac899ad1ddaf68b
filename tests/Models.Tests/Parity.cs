namespace MlNetGraviton.Models.Tests;

/// <summary>Row-wise comparison of an ONNX Runtime output with the reference (a row is the last dimension).</summary>
internal sealed record Parity(double MinCosine, double MaxAbsDiff, double MaxAbsReference, int RowsCompared, int RowsSkipped)
{
    public const double CosineThreshold = 0.99999;

    /// <summary>Generous absolute bound, a sanity check beside the cosine: fp32 vs double differ by ~1e-6 relative.</summary>
    public bool WithinBounds => MinCosine >= CosineThreshold && MaxAbsDiff <= 1e-3 * Math.Max(1.0, MaxAbsReference);

    public static Parity Compare(float[] actual, double[] expected, int rowLength)
    {
        Assert.Equal(expected.Length, actual.Length);
        double minCosine = double.PositiveInfinity, maxDiff = 0, maxReference = 0;
        int compared = 0, skipped = 0;
        for (int start = 0; start < expected.Length; start += rowLength)
        {
            if (double.IsNaN(expected[start]))
            {
                skipped++;
                continue;
            }
            double dot = 0, actualNorm = 0, expectedNorm = 0;
            for (int i = start; i < start + rowLength; i++)
            {
                Assert.True(float.IsFinite(actual[i]), $"ONNX Runtime produced {actual[i]} at flat index {i}.");
                dot += actual[i] * expected[i];
                actualNorm += (double)actual[i] * actual[i];
                expectedNorm += expected[i] * expected[i];
                maxDiff = Math.Max(maxDiff, Math.Abs(actual[i] - expected[i]));
                maxReference = Math.Max(maxReference, Math.Abs(expected[i]));
            }
            minCosine = Math.Min(minCosine, dot / Math.Sqrt(actualNorm * expectedNorm));
            compared++;
        }
        return new Parity(minCosine, maxDiff, maxReference, compared, skipped);
    }
}
