using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// The per-thread block that <see cref="SgemmTileTask"/> copies its rows of A into. Kept per thread (pool workers are
/// long-lived) and grown only when a larger block is asked for, so steady-state SGEMM calls allocate nothing.
/// </summary>
internal static unsafe class SgemmPackedABuffer
{
    [ThreadStatic]
    private static float[]? t_buffer;

    /// <summary>A pinned buffer of at least <paramref name="floats"/> floats, valid until this thread asks again.</summary>
    public static float* ForCurrentThread(int floats)
    {
        float[]? buffer = t_buffer;
        if (buffer is null || buffer.Length < floats)
        {
            // Pinned: the kernels hold raw pointers into it. Rounded up so that slowly growing shapes re-allocate rarely.
            int size = Math.Max(floats, 4096);
            size = (int)Math.Min(int.MaxValue, (long)BitOperations.RoundUpToPowerOf2((uint)size));
            buffer = GC.AllocateUninitializedArray<float>(size, pinned: true);
            t_buffer = buffer;
        }
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
    }

    /// <summary>The same per-thread block seen as at least <paramref name="count"/> bf16 words (the bf16 driver's packed A).</summary>
    public static ushort* BFloat16ForCurrentThread(int count) => (ushort*)ForCurrentThread((count + 1) / 2);
}
