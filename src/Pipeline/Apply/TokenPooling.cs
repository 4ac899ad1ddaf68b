namespace MlNetGraviton.Pipeline.Apply;

/// <summary>Reduces one row of a [sequence, width] output to [width] under its attention mask.</summary>
internal static class TokenPooling
{
    /// <summary>Index of the last attended token, or -1 when the mask has none.</summary>
    public static int LastAttended(ReadOnlySpan<long> mask)
    {
        for (var t = mask.Length - 1; t >= 0; t--)
        {
            if (mask[t] != 0)
            {
                return t;
            }
        }

        return -1;
    }

    /// <summary>Mean of the rows of <paramref name="states"/> ([sequence, width]) where the mask is non-zero; false when none is.</summary>
    public static bool TryMean(ReadOnlySpan<float> states, ReadOnlySpan<long> mask, int width, Span<float> result)
    {
        Span<double> sum = width <= 4096 ? stackalloc double[width] : new double[width];
        sum.Clear();
        var count = 0;
        for (var t = 0; t < mask.Length; t++)
        {
            if (mask[t] == 0)
            {
                continue;
            }

            count++;
            var row = states.Slice(t * width, width);
            for (var i = 0; i < width; i++)
            {
                sum[i] += row[i];
            }
        }

        if (count == 0)
        {
            return false;
        }

        for (var i = 0; i < width; i++)
        {
            result[i] = (float)(sum[i] / count);
        }

        return true;
    }
}
