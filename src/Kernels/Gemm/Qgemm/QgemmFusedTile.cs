namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// What a kernel that fuses the epilogue (<see cref="QgemmKernel.FusesEpilogue"/>) needs to write one full tile
/// straight to C: per-column and per-row vectors the driver prepares once per call, with pointers already at the
/// tile's first column (row). Field order is the emitted code's ABI: do not reorder.
/// </summary>
internal unsafe struct QgemmFusedTile
{
    /// <summary>za·ColumnAdjust[j] per column (wrapping int32), za as the kernel sees A.</summary>
    public int* ColumnTerm;

    /// <summary>B's zero point per column.</summary>
    public int* ZeroPoints;

    /// <summary>Σₖ a of each of the tile's rows (as the kernel sees A).</summary>
    public int* RowSums;

    /// <summary>AScale·BScales[j] per column, the product <see cref="QgemmTileTask"/> uses (float output only).</summary>
    public float* Scales;

    /// <summary>Bias per column (float output with bias only).</summary>
    public float* Bias;

    /// <summary>Where the kernel's K loop prefetches (PREFETCHT1), advancing <see cref="PrefetchStep"/> bytes a k group.</summary>
    public byte* Prefetch;

    public long PrefetchStep;
}

/// <summary>What a fused tile writes to C.</summary>
internal enum QgemmFusedOutput
{
    /// <summary>Exact int32: raw dot products plus the zero-point correction.</summary>
    Int32,
    /// <summary>float(int32 result) · scale[j].</summary>
    Float,
    /// <summary>float(int32 result) · scale[j] + bias[j].</summary>
    FloatBias,
}
