namespace MlNetGraviton.Runtime.Tests;

internal static class Approx
{
    /// <summary>Element-wise |a - e| ≤ tol·(1 + |e|), reporting the first index that differs.</summary>
    public static void Equal(float[] expected, ReadOnlySpan<float> actual, float tol = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tol * (1 + Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
