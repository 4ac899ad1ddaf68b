using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>
    /// <see cref="PackRows"/> for u8 kernels with byte K groups of 4 (the AVX2 VPMADDUBSW and AVX-VNNI layout): each
    /// row's 4-byte groups are copied as int32 words (flipped by 0x80 when <paramref name="flip"/>), and the row sum of
    /// the flipped bytes is taken with VPSADBW while the row is in cache.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackRowsU8Group4(byte* a, int lda, int rows, int k, int mr, bool flip, byte* block, int* rowSums)
    {
        int kPadded = (k + 3) & ~3;
        if (rows < mr || k < kPadded)
            new Span<byte>(block, checked(kPadded * mr)).Clear();
        uint flip32 = flip ? 0x80808080u : 0u;
        int groups = k >> 2;
        for (int r = 0; r < rows; r++)
        {
            byte* src = a + (long)r * lda;
            uint* dst = (uint*)(block + r * 4);
            int g = 0;
            for (; g + 4 <= groups; g += 4)
            {
                dst[g * mr] = *(uint*)(src + 4 * g) ^ flip32;
                dst[(g + 1) * mr] = *(uint*)(src + 4 * g + 4) ^ flip32;
                dst[(g + 2) * mr] = *(uint*)(src + 4 * g + 8) ^ flip32;
                dst[(g + 3) * mr] = *(uint*)(src + 4 * g + 12) ^ flip32;
            }
            for (; g < groups; g++)
                dst[g * mr] = *(uint*)(src + 4 * g) ^ flip32;
            int tail = k - 4 * groups;
            if (tail > 0)
            {
                uint word = 0;
                for (int t = 0; t < tail; t++)
                    word |= (uint)(src[4 * groups + t] ^ (byte)flip32) << (8 * t);
                dst[groups * mr] = word; // padding bytes stay 0
            }
            rowSums[r] = SumBytes(src, k, (byte)flip32);
        }
        for (int r = rows; r < mr; r++)
            rowSums[r] = 0;
    }

    /// <summary>Σ (src[i] ^ flip) over k bytes, as unsigned values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SumBytes(byte* src, int k, byte flip)
    {
        int i = 0;
        long sum = 0;
        if (Avx2.IsSupported && k >= 32)
        {
            Vector256<byte> f = Vector256.Create(flip);
            Vector256<ulong> acc = Vector256<ulong>.Zero;
            for (; i + 32 <= k; i += 32)
                acc = Avx2.Add(acc, Avx2.SumAbsoluteDifferences(Avx.LoadVector256(src + i) ^ f, Vector256<byte>.Zero).AsUInt64());
            sum = (long)Vector256.Sum(acc);
        }
        for (; i < k; i++)
            sum += (byte)(src[i] ^ flip);
        return (int)sum;
    }
}
