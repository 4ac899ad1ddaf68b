using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// The exact remainder of the unsafe byte pairs of a B packed for a kernel that sums pairs in saturating int16
/// (<see cref="QgemmKernel.SaturatesInt16Pairs"/>). Packing cuts the second value of each unsafe pair back to a safe
/// one (<see cref="QgemmPairSaturation.SafeSecond"/>) and records the cut here, per panel, as (k, column, excess);
/// after the micro-kernel has computed a tile, <see cref="Apply"/> adds a·excess for those few entries, so
/// packed-B product + fixup = the exact A·B.
/// </summary>
internal sealed unsafe class QgemmPairFixup
{
    // Per entry: byte offset of k's group in a packed A block, k's byte within the group, column in the panel, excess.
    private const int EntryInts = 4;

    private readonly int[] _panelStart; // entries of panel p: [_panelStart[p], _panelStart[p + 1])
    private readonly int[] _entries;    // EntryInts per entry, contiguous for the tile loop

    private QgemmPairFixup(int[] panelStart, int[] entries)
    {
        _panelStart = panelStart;
        _entries = entries;
    }

    /// <summary>How many (k, column) entries need the exact correction.</summary>
    public int Count => _entries.Length / EntryInts;

    /// <summary>
    /// Makes every pair of the packed panels safe in place and returns the remainder, or null when all pairs were
    /// safe already. Panels use the shared layout (bytes, <paramref name="kGroup"/> even); A blocks have <paramref name="mr"/> rows.
    /// </summary>
    public static QgemmPairFixup? Split(QgemmPackedB packed, int kGroup, int nr, int mr)
    {
        var starts = new int[packed.PanelCount + 1];
        List<int>? entries = null;
        int groupStride = nr * kGroup;
        for (int p = 0; p < packed.PanelCount; p++)
        {
            sbyte* panel = (sbyte*)packed.Panel(p);
            // Column-major within the panel, so Apply sums a column's entries in registers and touches the tile once.
            for (int c = 0; c < nr; c++)
            {
                for (int g = 0; g < packed.KPadded / kGroup; g++)
                {
                    sbyte* values = panel + g * groupStride + c * kGroup;
                    for (int t = 0; t < kGroup; t += 2)
                    {
                        int b0 = values[t], b1 = values[t + 1];
                        int safe = QgemmPairSaturation.SafeSecond(b0, b1);
                        if (safe == b1)
                            continue;
                        values[t + 1] = (sbyte)safe;
                        // k = g·kGroup + t + 1 is byte t + 1 of row 0's group g in a packed A block (g·mr·kGroup).
                        entries ??= [];
                        entries.Add(g * mr * kGroup);
                        entries.Add(t + 1);
                        entries.Add(c);
                        entries.Add(b1 - safe);
                    }
                }
            }
            starts[p + 1] = (entries?.Count ?? 0) / EntryInts;
        }
        return entries is null ? null : new QgemmPairFixup(starts, [.. entries]);
    }

    /// <summary>
    /// Adds the remainder of panel <paramref name="panel"/> to a tile (<paramref name="mr"/> × <paramref name="nr"/>,
    /// row stride nr) computed from the packed A block (bytes as the kernel reads them, u8, in the layout given to
    /// <see cref="Split"/>). With AVX2 and K groups of 4, one entry is a few vector µops for all rows: the group's
    /// int32 words (one per row) shifted to the entry's byte, masked, times the excess. The A buffer must allow reading
    /// 32 bytes from any group's start.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(int panel, byte* packedABlock, int mr, int kGroup, int* tile, int nr)
    {
        int first = _panelStart[panel], end = _panelStart[panel + 1];
        if (first == end)
            return;
        fixed (int* entries = _entries)
        {
            int* e = entries + first * EntryInts, stop = entries + end * EntryInts;
            if (Avx2.IsSupported && kGroup == 4 && mr <= Vector256<int>.Count)
            {
                int* sums = stackalloc int[Vector256<int>.Count];
                Vector256<int> lowByte = Vector256.Create(0xFF);
                while (e < stop)
                {
                    int column = e[2];
                    Vector256<int> sum = Vector256<int>.Zero;
                    do
                    {
                        Vector256<uint> words = Avx.LoadVector256((uint*)(packedABlock + e[0]));
                        Vector256<int> a = Avx2.ShiftRightLogicalVariable(words, Vector256.Create((uint)(8 * e[1]))).AsInt32() & lowByte;
                        sum += a * Vector256.Create(e[3]);
                        e += EntryInts;
                    }
                    while (e < stop && e[2] == column);
                    Avx.Store(sums, sum);
                    int* t = tile + column;
                    for (int i = 0; i < mr; i++)
                        t[i * nr] += sums[i];
                }
                return;
            }
            for (; e < stop; e += EntryInts)
            {
                byte* a = packedABlock + e[0] + e[1];
                int* t = tile + e[2];
                int excess = e[3];
                for (int i = 0; i < mr; i++, a += kGroup, t += nr)
                    *t += *a * excess;
            }
        }
    }
}
