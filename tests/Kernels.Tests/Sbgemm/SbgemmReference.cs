namespace MlNetGraviton.Kernels.Tests.Sbgemm;

/// <summary>
/// The bf16 reference: both inputs rounded to bf16 (round-to-nearest-even, decided here by comparing distances in
/// double, independently of the library's bit trick), products accumulated in fp32 in k order, then alpha and bias.
/// </summary>
internal static class SbgemmReference
{
    /// <summary>bf16 bits nearest to <paramref name="x"/>, ties to the even bf16.</summary>
    public static ushort RoundToBf16(float x)
    {
        if (float.IsNaN(x))
            return 0x7FC0;
        uint bits = BitConverter.SingleToUInt32Bits(x);
        uint sign = bits & 0x8000_0000u;
        uint magnitude = bits & 0x7FFF_FFFFu;
        uint down = magnitude & 0xFFFF_0000u;
        if (down == magnitude)
            return (ushort)((sign | down) >> 16);
        uint up = down + 0x1_0000u; // next bf16 up in magnitude (may be +Inf)
        double value = Math.Abs((double)x);
        double lo = BitConverter.UInt32BitsToSingle(down);
        double hi = up >= 0x7F80_0000u ? Math.Pow(2, 128) : BitConverter.UInt32BitsToSingle(up);
        uint chosen = (value - lo) < (hi - value) ? down
            : (value - lo) > (hi - value) ? up
            : ((down >> 16) & 1) == 0 ? down : up;
        return (ushort)((sign | chosen) >> 16);
    }

    public static float ToSingle(ushort bf16) => BitConverter.UInt32BitsToSingle((uint)bf16 << 16);

    public static float Rounded(float x) => ToSingle(RoundToBf16(x));

    /// <summary>Expected C (m × n, compact) and, per element, Σ|a·b| (for the tolerance).</summary>
    public static (float[] C, float[] Magnitude) Gemm(int m, int k, int n, float[] a, int lda, float[] b, float alpha, float[]? bias)
    {
        var ar = new float[a.Length];
        for (int i = 0; i < a.Length; i++)
            ar[i] = Rounded(a[i]);
        var br = new float[b.Length];
        for (int i = 0; i < b.Length; i++)
            br[i] = Rounded(b[i]);
        var c = new float[m * n];
        var mag = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0, abs = 0;
                for (int kk = 0; kk < k; kk++)
                {
                    float p = ar[i * lda + kk] * br[kk * n + j];
                    sum += p;
                    abs += Math.Abs(p);
                }
                c[i * n + j] = alpha * sum + (bias is null ? 0f : bias[j]);
                mag[i * n + j] = Math.Abs(alpha) * abs + (bias is null ? 0f : Math.Abs(bias[j]));
            }
        }
        return (c, mag);
    }
}
