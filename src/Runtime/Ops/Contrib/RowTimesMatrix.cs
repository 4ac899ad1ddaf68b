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

    /// <summary>
    /// The same for four rows at once: c[r] = alpha[r]·(a[r] · B) for r = 0..3, rows of A with stride lda, rows of C
    /// with stride ldc. Each B load feeds four FMAs (one per row), so the loop is bound by FMAs, not loads.
    /// </summary>
    public static void Run4(ReadOnlySpan<float> a, int lda, int k, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int n,
        Vector4 alpha)
    {
        if (k > 0 && n > 0 && (b.Length < (long)(k - 1) * ldb + n || a.Length < 3L * lda + k || c.Length < 3L * ldc + n))
            throw new ArgumentException($"A ({a.Length}), B ({b.Length}) or C ({c.Length}) is too short for 4 rows, k={k}, n={n}");
        Leaf4(ref MemoryMarshal.GetReference(a), lda, k, ref MemoryMarshal.GetReference(b), ldb, ref MemoryMarshal.GetReference(c), ldc, n, alpha);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Leaf4(ref float a, int lda, int k, ref float b, int ldb, ref float c, int ldc, int n, Vector4 alpha)
    {
        int w = Vector<float>.Count, j = 0;
        ref float a1 = ref Unsafe.Add(ref a, lda), a2 = ref Unsafe.Add(ref a, 2 * lda), a3 = ref Unsafe.Add(ref a, 3 * lda);
        ref float r1 = ref Unsafe.Add(ref c, ldc), r2 = ref Unsafe.Add(ref c, 2 * ldc), r3 = ref Unsafe.Add(ref c, 3 * ldc);
        var s0 = new Vector<float>(alpha.X);
        var s1 = new Vector<float>(alpha.Y);
        var s2 = new Vector<float>(alpha.Z);
        var s3 = new Vector<float>(alpha.W);
        for (; j <= n - 2 * w; j += 2 * w)
        {
            Vector<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector<float> c20 = default, c21 = default, c30 = default, c31 = default;
            nuint row = (nuint)j;
            for (int d = 0; d < k; d++, row += (nuint)ldb)
            {
                Vector<float> b0 = Vector.LoadUnsafe(ref b, row), b1 = Vector.LoadUnsafe(ref b, row + (nuint)w);
                var x = new Vector<float>(Unsafe.Add(ref a, d));
                c00 = Vector.FusedMultiplyAdd(x, b0, c00);
                c01 = Vector.FusedMultiplyAdd(x, b1, c01);
                x = new Vector<float>(Unsafe.Add(ref a1, d));
                c10 = Vector.FusedMultiplyAdd(x, b0, c10);
                c11 = Vector.FusedMultiplyAdd(x, b1, c11);
                x = new Vector<float>(Unsafe.Add(ref a2, d));
                c20 = Vector.FusedMultiplyAdd(x, b0, c20);
                c21 = Vector.FusedMultiplyAdd(x, b1, c21);
                x = new Vector<float>(Unsafe.Add(ref a3, d));
                c30 = Vector.FusedMultiplyAdd(x, b0, c30);
                c31 = Vector.FusedMultiplyAdd(x, b1, c31);
            }
            Vector.StoreUnsafe(c00 * s0, ref c, (nuint)j);
            Vector.StoreUnsafe(c01 * s0, ref c, (nuint)(j + w));
            Vector.StoreUnsafe(c10 * s1, ref r1, (nuint)j);
            Vector.StoreUnsafe(c11 * s1, ref r1, (nuint)(j + w));
            Vector.StoreUnsafe(c20 * s2, ref r2, (nuint)j);
            Vector.StoreUnsafe(c21 * s2, ref r2, (nuint)(j + w));
            Vector.StoreUnsafe(c30 * s3, ref r3, (nuint)j);
            Vector.StoreUnsafe(c31 * s3, ref r3, (nuint)(j + w));
        }
        for (; j < n; j++)
        {
            float x0 = 0, x1 = 0, x2 = 0, x3 = 0;
            nint row = j;
            for (int d = 0; d < k; d++, row += ldb)
            {
                float bv = Unsafe.Add(ref b, row);
                x0 = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, d), bv, x0);
                x1 = MathF.FusedMultiplyAdd(Unsafe.Add(ref a1, d), bv, x1);
                x2 = MathF.FusedMultiplyAdd(Unsafe.Add(ref a2, d), bv, x2);
                x3 = MathF.FusedMultiplyAdd(Unsafe.Add(ref a3, d), bv, x3);
            }
            Unsafe.Add(ref c, j) = x0 * alpha.X;
            Unsafe.Add(ref r1, j) = x1 * alpha.Y;
            Unsafe.Add(ref r2, j) = x2 * alpha.Z;
            Unsafe.Add(ref r3, j) = x3 * alpha.W;
        }
    }
}
