using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// c = alpha·(a · B) for one row a [k] and a row-major B [k, n] with row stride ldb: the leaf of attention's per-head
/// products (scores = q·Kᵀ with Kᵀ staged densely; context = p·V read in place from the QKV buffer). Four vector
/// accumulators per column block, B streamed row by row, so no horizontal sums and no packing.
/// </summary>
internal static class RowTimesMatrix
{
    public static void Run(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int ldb, Span<float> c, float alpha)
    {
        int k = a.Length, n = c.Length;
        if (k > 0 && n > 0 && b.Length < (long)(k - 1) * ldb + n)
            throw new ArgumentException($"B holds {b.Length} values; [k={k}, n={n}] with ldb={ldb} needs {(long)(k - 1) * ldb + n}", nameof(b));
        Leaf(ref MemoryMarshal.GetReference(a), k, ref MemoryMarshal.GetReference(b), ldb, ref MemoryMarshal.GetReference(c), n, alpha);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Leaf(ref float a, int k, ref float b, int ldb, ref float c, int n, float alpha)
    {
        int w = Vector<float>.Count, j = 0;
        var scale = new Vector<float>(alpha);
        for (; j <= n - 4 * w; j += 4 * w)
        {
            Vector<float> c0 = Vector<float>.Zero, c1 = Vector<float>.Zero, c2 = Vector<float>.Zero, c3 = Vector<float>.Zero;
            nuint row = (nuint)j;
            for (int d = 0; d < k; d++, row += (nuint)ldb)
            {
                var av = new Vector<float>(Unsafe.Add(ref a, d));
                c0 = Vector.FusedMultiplyAdd(av, Vector.LoadUnsafe(ref b, row), c0);
                c1 = Vector.FusedMultiplyAdd(av, Vector.LoadUnsafe(ref b, row + (nuint)w), c1);
                c2 = Vector.FusedMultiplyAdd(av, Vector.LoadUnsafe(ref b, row + (nuint)(2 * w)), c2);
                c3 = Vector.FusedMultiplyAdd(av, Vector.LoadUnsafe(ref b, row + (nuint)(3 * w)), c3);
            }
            Vector.StoreUnsafe(c0 * scale, ref c, (nuint)j);
            Vector.StoreUnsafe(c1 * scale, ref c, (nuint)(j + w));
            Vector.StoreUnsafe(c2 * scale, ref c, (nuint)(j + 2 * w));
            Vector.StoreUnsafe(c3 * scale, ref c, (nuint)(j + 3 * w));
        }
        for (; j <= n - w; j += w)
        {
            Vector<float> c0 = Vector<float>.Zero;
            nuint row = (nuint)j;
            for (int d = 0; d < k; d++, row += (nuint)ldb)
                c0 = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref a, d)), Vector.LoadUnsafe(ref b, row), c0);
            Vector.StoreUnsafe(c0 * scale, ref c, (nuint)j);
        }
        for (; j < n; j++)
        {
            float sum = 0;
            nint row = j;
            for (int d = 0; d < k; d++, row += ldb)
                sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, d), Unsafe.Add(ref b, row), sum);
            Unsafe.Add(ref c, j) = sum * alpha;
        }
    }
}
