using System.Runtime.CompilerServices;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// A constant s8 weight matrix B (K × N) packed once for one int8 GEMM kernel, with what the zero-point correction
/// needs: per column, K·zb − Σₖ b. Made by <see cref="Qgemm.PackB"/>; immutable and safe to share between threads.
/// </summary>
public sealed unsafe class QgemmPackedB
{
    private const int Alignment = 64;

    // Pinned (POH) so the packed panels keep one address for the kernels' lifetime of use.
    private readonly byte[] _storage;
    private readonly int _offset;

    internal QgemmPackedB(QgemmKernel kernel, int k, int n, int[] zeroPoints, bool perColumnZeroPoint)
    {
        Kernel = kernel;
        K = k;
        N = n;
        KPadded = kernel.PaddedK(k);
        PanelBytes = kernel.PackedBPanelBytes(KPadded);
        PanelCount = (n + kernel.NR - 1) / kernel.NR;
        ZeroPoints = zeroPoints;
        PerColumnZeroPoint = perColumnZeroPoint;
        ColumnAdjust = new int[n];
        long bytes = (long)PanelBytes * PanelCount;
        if (bytes > Array.MaxLength - Alignment)
            throw new ArgumentException($"Packed B for K={k}, N={n} would need {bytes} bytes, more than one array holds.", "b");
        _storage = GC.AllocateUninitializedArray<byte>((int)bytes + Alignment, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref _storage[0]);
        _offset = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1));
    }

    /// <summary>Rows of B (the shared dimension).</summary>
    public int K { get; }

    /// <summary>Columns of B (output features).</summary>
    public int N { get; }

    /// <summary>The contract name of the kernel B was packed for, e.g. <c>Qgemm_U8S8_6x16_Avx2</c>.</summary>
    public string KernelName => Kernel.Name;

    /// <summary>Whether B has one zero point per column (false: one for the whole tensor).</summary>
    public bool PerColumnZeroPoint { get; }

    /// <summary>
    /// How many (k, column) weights the packing had to cut back because their k pair could saturate the kernel's
    /// int16 pair sums (VPMADDUBSW); each is corrected exactly after the micro-kernel. 0 for kernels that never saturate.
    /// </summary>
    public int SaturationFixupCount => PairFixup?.Count ?? 0;

    /// <summary>The exact remainder of cut pairs, or null when none (see <see cref="QgemmPairFixup"/>).</summary>
    internal QgemmPairFixup? PairFixup { get; set; }

    internal QgemmKernel Kernel { get; }
    internal int KPadded { get; }
    internal int PanelBytes { get; }
    internal int PanelCount { get; }

    /// <summary>B's zero point per column (the per-tensor value repeated when not per column).</summary>
    internal int[] ZeroPoints { get; }

    /// <summary>Per column: K·zb[j] − Σₖ b[k, j]; the driver adds za·ColumnAdjust[j] − zb[j]·rowsum(a)[i].</summary>
    internal int[] ColumnAdjust { get; }

    /// <summary>Start of panel <paramref name="panel"/> (64-byte aligned storage).</summary>
    internal byte* Panel(int panel) => (byte*)Unsafe.AsPointer(ref _storage[_offset]) + (long)panel * PanelBytes;
}
