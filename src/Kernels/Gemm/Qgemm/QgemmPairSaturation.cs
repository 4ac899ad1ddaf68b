namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// When a byte pair of B is safe for VPMADDUBSW. For u8 a ∈ [0, 255], a₀·b₀ + a₁·b₁ lies in
/// [−255·(b₀⁻ + b₁⁻), 255·(b₀⁺ + b₁⁺)] (x⁺ = max(x, 0), x⁻ = max(−x, 0)), and both ends are reached, so the int16 pair
/// sum cannot saturate for any activation exactly when b₀⁺ + b₁⁺ ≤ 128 and b₀⁻ + b₁⁻ ≤ 128 (255·128 = 32640; 255·129
/// = 32895 exceeds both 32767 and 32768). Pairs of mixed sign are always safe; 7-bit weights (|b| ≤ 64) always are.
/// </summary>
internal static class QgemmPairSaturation
{
    /// <summary>Largest sum of the positive parts (and of the negative parts) of a safe pair.</summary>
    public const int PairLimit = 128;

    /// <summary>
    /// Above this fraction of unsafe pairs the automatic selection prefers an exact kernel that never saturates: each
    /// unsafe pair costs a few vector µops per tile (all MR rows at once, <see cref="QgemmPairFixup.Apply"/>). Measured
    /// at 128×768×768 (1 thread, best of 300): VPMADDUBSW ~166 GOP/s without corrections, ~123 with 2% of pairs
    /// corrected, the exact int16 kernel ~114; the break-even is near 2.5–3%. Real per-column 8-bit weights
    /// (all-MiniLM-L6-v2) have 0.3–2.6% unsafe pairs, per-tensor ones ~0.01%, 7-bit ones none.
    /// </summary>
    public const double MaxUnsafeFraction = 1.0 / 40;

    public static bool IsSafe(int b0, int b1)
        => Math.Max(b0, 0) + Math.Max(b1, 0) <= PairLimit && Math.Max(-b0, 0) + Math.Max(-b1, 0) <= PairLimit;

    /// <summary>
    /// The second value of an unsafe pair cut back so the pair becomes safe (b₀ is kept; the cut keeps b₁'s sign).
    /// For a safe pair, b₁ itself.
    /// </summary>
    public static int SafeSecond(int b0, int b1)
    {
        if (IsSafe(b0, b1))
            return b1;
        // Unsafe pairs have one sign and |b0| + |b1| > 128, with |b0| ≤ 128: the cut keeps |b0| + |b1'| = 128.
        return b1 > 0 ? PairLimit - b0 : -(PairLimit + b0);
    }

    /// <summary>The number of pairs (rows 2p, 2p+1, a last odd row paired with zero) times columns of row-major B (k × n), and how many are unsafe.</summary>
    public static (long Pairs, long Unsafe) Count(ReadOnlySpan<sbyte> b, int k, int n)
    {
        long unsafeCount = 0;
        for (int kk = 0; kk + 1 < k; kk += 2)
        {
            ReadOnlySpan<sbyte> r0 = b.Slice(kk * n, n), r1 = b.Slice((kk + 1) * n, n);
            for (int j = 0; j < n; j++)
            {
                int x = r0[j], y = r1[j];
                // Same sign and |x| + |y| > 128 is the only unsafe case.
                if ((x ^ y) >= 0 && Math.Abs(x) + Math.Abs(y) > PairLimit)
                    unsafeCount++;
            }
        }
        return ((long)(k + 1) / 2 * n, unsafeCount);
    }
}
