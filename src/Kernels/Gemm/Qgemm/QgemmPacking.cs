using System.Runtime.CompilerServices;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Writes the shared packed layout described on <see cref="QgemmKernel"/>: per group of <c>kGroup</c> consecutive k,
/// each row (column) stores its <c>kGroup</c> values contiguously; everything outside the real matrix is zero.
/// </summary>
internal static unsafe class QgemmPacking
{
    /// <summary>Packs columns [col0, col0 + cols) of s8 B (k × ldb, row-major) into a panel of nr columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackColumns(sbyte* b, int ldb, int k, int col0, int cols, int nr, int kGroup, bool widen, byte* panel)
    {
        int kPadded = (k + kGroup - 1) / kGroup * kGroup;
        int groupStride = nr * kGroup; // elements per k group
        new Span<byte>(panel, checked(kPadded * nr * (widen ? 2 : 1))).Clear();
        for (int c = 0; c < cols; c++)
        {
            sbyte* src = b + col0 + c;
            for (int kk = 0; kk < k; kk++)
            {
                int g = kk / kGroup, t = kk - g * kGroup;
                int index = g * groupStride + c * kGroup + t;
                sbyte v = src[(long)kk * ldb];
                if (widen)
                    ((short*)panel)[index] = v;
                else
                    ((sbyte*)panel)[index] = v;
            }
        }
    }

    /// <summary>
    /// Packs rows of A into a block of mr rows; flips the sign convention (x ^ 0x80) when the source's and the
    /// kernel's signedness differ, and returns each row's sum of the packed values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackRows(
        byte* a, int lda, int rows, int k, int mr, int kGroup, bool widen, bool sourceSigned, bool kernelSigned,
        byte* block, int* rowSums)
    {
        int kPadded = (k + kGroup - 1) / kGroup * kGroup;
        int groupStride = mr * kGroup;
        byte flip = sourceSigned == kernelSigned ? (byte)0 : (byte)0x80;
        if (rows < mr || k < kPadded)
            new Span<byte>(block, checked(kPadded * mr * (widen ? 2 : 1))).Clear();
        for (int r = 0; r < rows; r++)
        {
            byte* src = a + (long)r * lda;
            int sum = 0;
            int groups = k / kGroup;
            // Full groups: contiguous runs of kGroup values per row.
            for (int g = 0; g < groups; g++)
            {
                int dst = g * groupStride + r * kGroup;
                byte* s = src + g * kGroup;
                for (int t = 0; t < kGroup; t++)
                {
                    byte x = (byte)(s[t] ^ flip);
                    int v = kernelSigned ? (sbyte)x : x;
                    sum += v;
                    if (widen)
                        ((short*)block)[dst + t] = (short)v;
                    else
                        block[dst + t] = x;
                }
            }
            for (int kk = groups * kGroup; kk < k; kk++)
            {
                int dst = groups * groupStride + r * kGroup + (kk - groups * kGroup);
                byte x = (byte)(src[kk] ^ flip);
                int v = kernelSigned ? (sbyte)x : x;
                sum += v;
                if (widen)
                    ((short*)block)[dst] = (short)v;
                else
                    block[dst] = x;
            }
            rowSums[r] = sum;
        }
        for (int r = rows; r < mr; r++)
            rowSums[r] = 0;
    }
}
