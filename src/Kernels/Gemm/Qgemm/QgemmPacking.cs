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
        int vectorGroups = 0;
        if (mr == 8 && rows == 8 && Avx512BW.IsSupported && groups >= 16)
        {
            vectorGroups = groups & ~15;
            PackEightRows64(a, lda, vectorGroups, flip32, block, rowSums);
        }
        for (int r = 0; r < rows; r++)
        {
            byte* src = a + (long)r * lda;
            uint* dst = (uint*)(block + r * 4);
            int g = vectorGroups;
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
            if (vectorGroups == 0)
                rowSums[r] = SumBytes(src, k, (byte)flip32);
            else
                rowSums[r] += SumBytes(src + 4 * vectorGroups, k - 4 * vectorGroups, (byte)flip32);
        }
        for (int r = rows; r < mr; r++)
            rowSums[r] = 0;
    }

    /// <summary>
    /// The first <paramref name="groups"/> (a multiple of 16) 4-byte groups of 8 full rows, 64 bytes of each row a step:
    /// the 8 × 16 dwords are transposed in registers (dword and qword unpacks, then 128-bit lane shuffles) into 16 groups
    /// of 8 row dwords, stored 32 bytes each; rowSums[r] gets Σ of row r's (flipped) bytes over those groups (VPSADBW).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackEightRows64(byte* a, int lda, int groups, uint flip32, byte* block, int* rowSums)
    {
        Vector512<uint> f = Vector512.Create(flip32);
        Vector512<ulong> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (int g = 0; g < groups; g += 16)
        {
            byte* src = a + 4 * g;
            Vector512<uint> r0 = Vector512.Load((uint*)src) ^ f, r1 = Vector512.Load((uint*)(src + lda)) ^ f;
            Vector512<uint> r2 = Vector512.Load((uint*)(src + 2L * lda)) ^ f, r3 = Vector512.Load((uint*)(src + 3L * lda)) ^ f;
            Vector512<uint> r4 = Vector512.Load((uint*)(src + 4L * lda)) ^ f, r5 = Vector512.Load((uint*)(src + 5L * lda)) ^ f;
            Vector512<uint> r6 = Vector512.Load((uint*)(src + 6L * lda)) ^ f, r7 = Vector512.Load((uint*)(src + 7L * lda)) ^ f;
            s0 += Avx512BW.SumAbsoluteDifferences(r0.AsByte(), Vector512<byte>.Zero).AsUInt64();
            s1 += Avx512BW.SumAbsoluteDifferences(r1.AsByte(), Vector512<byte>.Zero).AsUInt64();
            s2 += Avx512BW.SumAbsoluteDifferences(r2.AsByte(), Vector512<byte>.Zero).AsUInt64();
            s3 += Avx512BW.SumAbsoluteDifferences(r3.AsByte(), Vector512<byte>.Zero).AsUInt64();
            s4 += Avx512BW.SumAbsoluteDifferences(r4.AsByte(), Vector512<byte>.Zero).AsUInt64();
            s5 += Avx512BW.SumAbsoluteDifferences(r5.AsByte(), Vector512<byte>.Zero).AsUInt64();
            s6 += Avx512BW.SumAbsoluteDifferences(r6.AsByte(), Vector512<byte>.Zero).AsUInt64();
            s7 += Avx512BW.SumAbsoluteDifferences(r7.AsByte(), Vector512<byte>.Zero).AsUInt64();
            // Per 128-bit lane L (groups 4L..4L+3): t pairs rows' dwords, u holds one group's 4 rows (rows 0-3 or 4-7).
            Vector512<ulong> t0 = Avx512F.UnpackLow(r0, r1).AsUInt64(), t1 = Avx512F.UnpackHigh(r0, r1).AsUInt64();
            Vector512<ulong> t2 = Avx512F.UnpackLow(r2, r3).AsUInt64(), t3 = Avx512F.UnpackHigh(r2, r3).AsUInt64();
            Vector512<ulong> t4 = Avx512F.UnpackLow(r4, r5).AsUInt64(), t5 = Avx512F.UnpackHigh(r4, r5).AsUInt64();
            Vector512<ulong> t6 = Avx512F.UnpackLow(r6, r7).AsUInt64(), t7 = Avx512F.UnpackHigh(r6, r7).AsUInt64();
            byte* dst = block + 32L * g;
            StoreGroups(Avx512F.UnpackLow(t0, t2), Avx512F.UnpackLow(t4, t6), dst);            // groups 4L
            StoreGroups(Avx512F.UnpackHigh(t0, t2), Avx512F.UnpackHigh(t4, t6), dst + 32);     // groups 4L + 1
            StoreGroups(Avx512F.UnpackLow(t1, t3), Avx512F.UnpackLow(t5, t7), dst + 64);       // groups 4L + 2
            StoreGroups(Avx512F.UnpackHigh(t1, t3), Avx512F.UnpackHigh(t5, t7), dst + 96);     // groups 4L + 3
        }
        rowSums[0] = (int)Vector512.Sum(s0); rowSums[1] = (int)Vector512.Sum(s1);
        rowSums[2] = (int)Vector512.Sum(s2); rowSums[3] = (int)Vector512.Sum(s3);
        rowSums[4] = (int)Vector512.Sum(s4); rowSums[5] = (int)Vector512.Sum(s5);
        rowSums[6] = (int)Vector512.Sum(s6); rowSums[7] = (int)Vector512.Sum(s7);
    }

    /// <summary>
    /// low: lane L = group 4L + j of rows 0-3, high: the same group of rows 4-7; stores group 4L + j (32 bytes) at
    /// dst + 128·L for L = 0..3.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreGroups(Vector512<ulong> low, Vector512<ulong> high, byte* dst)
    {
        // [low.0, low.1, high.0, high.1] then [low.0, high.0, low.1, high.1]: groups of lanes 0 and 1, 8 rows each.
        Vector512<ulong> a = Avx512F.Shuffle4x128(low, high, 0b01_00_01_00);
        Vector512<ulong> b = Avx512F.Shuffle4x128(low, high, 0b11_10_11_10);
        a = Avx512F.Shuffle4x128(a, a, 0b11_01_10_00);
        b = Avx512F.Shuffle4x128(b, b, 0b11_01_10_00);
        a.GetLower().Store((ulong*)dst);
        a.GetUpper().Store((ulong*)(dst + 128));
        b.GetLower().Store((ulong*)(dst + 256));
        b.GetUpper().Store((ulong*)(dst + 384));
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
