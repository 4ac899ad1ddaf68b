using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetGraviton.Runtime.Ops;

/// <summary>
/// Copies that only move elements (Gather, Transpose, Slice, Concat, Expand...), written once over raw bytes or over
/// an integer type of the element's size, so one kernel serves every element type.
/// </summary>
internal static class ElementCopy
{
    /// <summary>The tensor's elements as bytes.</summary>
    public static Span<byte> Bytes(Tensor t) => t.AsBytes();

    /// <summary>Copies <paramref name="count"/> elements from element offset <paramref name="src"/> to <paramref name="dst"/>.</summary>
    public static void Block(Tensor from, long src, Tensor to, long dst, long count)
    {
        Array.Copy(from.Data, src, to.Data, dst, count);
    }

    /// <summary>dst[i] = src[srcOffset + i·srcStride] for i in [0, count): a strided gather of one row.</summary>
    public static void Strided(Tensor from, long srcOffset, long srcStride, Tensor to, long dstOffset, long count)
    {
        switch (from.ElementType.SizeInBytes())
        {
            case 1: Strided<byte>(Bytes(from), srcOffset, srcStride, Bytes(to), dstOffset, count); break;
            case 2: Strided(MemoryMarshal.Cast<byte, short>(Bytes(from)), srcOffset, srcStride, MemoryMarshal.Cast<byte, short>(Bytes(to)), dstOffset, count); break;
            case 4: Strided(MemoryMarshal.Cast<byte, int>(Bytes(from)), srcOffset, srcStride, MemoryMarshal.Cast<byte, int>(Bytes(to)), dstOffset, count); break;
            default: Strided(MemoryMarshal.Cast<byte, long>(Bytes(from)), srcOffset, srcStride, MemoryMarshal.Cast<byte, long>(Bytes(to)), dstOffset, count); break;
        }
    }

    /// <summary>Fills <paramref name="count"/> elements at <paramref name="dstOffset"/> with element <paramref name="srcOffset"/>.</summary>
    public static void Repeat(Tensor from, long srcOffset, Tensor to, long dstOffset, long count)
    {
        switch (from.ElementType.SizeInBytes())
        {
            case 1: Bytes(to).Slice((int)dstOffset, (int)count).Fill(Bytes(from)[(int)srcOffset]); break;
            case 2: MemoryMarshal.Cast<byte, short>(Bytes(to)).Slice((int)dstOffset, (int)count).Fill(MemoryMarshal.Cast<byte, short>(Bytes(from))[(int)srcOffset]); break;
            case 4: MemoryMarshal.Cast<byte, int>(Bytes(to)).Slice((int)dstOffset, (int)count).Fill(MemoryMarshal.Cast<byte, int>(Bytes(from))[(int)srcOffset]); break;
            default: MemoryMarshal.Cast<byte, long>(Bytes(to)).Slice((int)dstOffset, (int)count).Fill(MemoryMarshal.Cast<byte, long>(Bytes(from))[(int)srcOffset]); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Strided<T>(Span<T> src, long srcOffset, long srcStride, Span<T> dst, long dstOffset, long count) where T : unmanaged
    {
        if (srcStride == 1)
        {
            src.Slice((int)srcOffset, (int)count).CopyTo(dst.Slice((int)dstOffset, (int)count));
            return;
        }
        ref T s = ref MemoryMarshal.GetReference(src);
        Span<T> d = dst.Slice((int)dstOffset, (int)count);
        long at = srcOffset;
        if (count > 0)
        {
            long last = srcOffset + (count - 1) * srcStride;
            if (Math.Min(srcOffset, last) < 0 || Math.Max(srcOffset, last) >= src.Length)
                throw new ArgumentOutOfRangeException(nameof(srcOffset), "strided copy runs past its source");
        }
        for (int i = 0; i < d.Length; i++, at += srcStride)
            d[i] = Unsafe.Add(ref s, (nint)at);
    }
}
