namespace MlNetGraviton.Pipeline.Apply;

/// <summary>Scales a vector to unit Euclidean length, as sentence-transformers' Normalize module does.</summary>
internal static class L2Normalization
{
    // torch.nn.functional.normalize divides by max(norm, eps): a zero vector stays zero instead of becoming NaN.
    private const double Epsilon = 1e-12;

    public static void Apply(Span<float> vector)
    {
        double sum = 0;
        foreach (float v in vector)
        {
            sum += (double)v * v;
        }

        double scale = 1.0 / Math.Max(Math.Sqrt(sum), Epsilon);
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(vector[i] * scale);
        }
    }
}
