using System.Runtime.CompilerServices;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// A constant fp32 weight matrix B (K × N) rounded to bf16 (round-to-nearest-even) and packed once in the BFMMLA
/// operand layout, made by <see cref="Sbgemm.PackB"/>; immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// Layout: panels of <see cref="Sbgemm.NR"/> (12) columns; in a panel, for each step of 4 k, the column pairs
/// (0,1) (2,3) … (10,11) each hold 2 × 4 bf16 (column c: k..k+3, then column c+1: k..k+3), i.e. one BFMMLA
/// operand register per pair. K is padded to a multiple of 4 and N to a multiple of 12 with zeros, so the kernel
/// never needs a tail and never reads past the panel.
/// </remarks>
public sealed unsafe class SbgemmPackedB
{
    private const int Alignment = 64;
    private readonly ushort[] _storage; // pinned (POH): the kernel holds raw pointers into it
    private readonly int _offset;

    internal SbgemmPackedB(int k, int n)
    {
        K = k;
        N = n;
        KSteps = (k + 3) / 4;
        PanelCount = (n + Sbgemm.NR - 1) / Sbgemm.NR;
        PanelElements = KSteps * 4 * Sbgemm.NR;
        long elements = (long)PanelElements * PanelCount;
        if (elements > Array.MaxLength - Alignment)
            throw new ArgumentException($"Packed bf16 B for K={k}, N={n} needs {elements} elements, more than one array holds.", "b");
        _storage = GC.AllocateArray<ushort>((int)elements + Alignment / sizeof(ushort), pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref _storage[0]);
        _offset = (int)(((Alignment - (address & (Alignment - 1))) & (Alignment - 1)) / sizeof(ushort));
    }

    /// <summary>Rows of B (the shared dimension).</summary>
    public int K { get; }

    /// <summary>Columns of B (output features).</summary>
    public int N { get; }

    /// <summary>The micro-kernel B was packed for.</summary>
    public string KernelName => Sbgemm.KernelName;

    internal int KSteps { get; }
    internal int PanelCount { get; }
    internal int PanelElements { get; }

    /// <summary>The packed bf16 words, for inspection (tests): panel after panel, as described above.</summary>
    internal ReadOnlySpan<ushort> Packed => _storage.AsSpan(_offset, PanelElements * PanelCount);

    internal Span<ushort> WritablePacked => _storage.AsSpan(_offset, PanelElements * PanelCount);

    internal ushort* Panel(int panel) => (ushort*)Unsafe.AsPointer(ref _storage[_offset]) + (long)panel * PanelElements;
}
