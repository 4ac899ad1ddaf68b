using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// A constant B [K, N] packed once for one micro-kernel: K is cut into blocks of at most <see cref="KBlock"/> rows
/// (so a block's panel stays in L1 while a strip of A streams past it), each block into panels of <see cref="PanelWidth"/>
/// columns stored K-major and zero-padded past N. Block kb (rows k0..k0+kc) of panel p starts at k0·NPadded + p·kc·NR.
/// A B packed for a bf16 fast-math kind (<see cref="SgemmKernelInfo.IsFastMath"/>) instead holds the bf16 packing of
/// that kernel's own driver (<see cref="SbgemmPackedB"/>). Immutable and safe to share between threads.
/// </summary>
public sealed unsafe class SgemmPackedB
{
    private readonly float[] _data; // on the pinned object heap, so the kernels can hold raw pointers into it

    internal SgemmPackedB(SgemmKernelKind kernel, int k, int n, int kBlock)
    {
        Kernel = kernel;
        K = k;
        N = n;
        KBlock = kBlock;
        PanelWidth = SgemmKernelInfo.Nr(kernel);
        Panels = (n + PanelWidth - 1) / PanelWidth;
        _data = GC.AllocateUninitializedArray<float>(checked(k * Panels * PanelWidth), pinned: true);
    }

    /// <summary>B for <see cref="SgemmKernelKind.Bf16Bfmmla8x12"/>: the bf16 panels <see cref="Sbgemm"/>'s driver reads.</summary>
    internal SgemmPackedB(SbgemmPackedB bf16)
    {
        Kernel = SgemmKernelKind.Bf16Bfmmla8x12;
        K = bf16.K;
        N = bf16.N;
        KBlock = Math.Max(1, bf16.K); // one block: the BFMMLA kernel runs over all of K
        PanelWidth = Sbgemm.NR;
        Panels = bf16.PanelCount;
        _data = [];
        Bf16 = bf16;
    }

    /// <summary>B for <see cref="SgemmKernelKind.Bf16Avx512x8x48"/>: the bf16 pair panels its driver reads.</summary>
    internal SgemmPackedB(SbgemmAvx512Bf16PackedB bf16)
    {
        Kernel = SgemmKernelKind.Bf16Avx512x8x48;
        K = bf16.K;
        N = bf16.N;
        KBlock = Math.Max(1, bf16.K); // one block: the kernel runs over all of K
        PanelWidth = Sbgemm_8x48_Avx512Bf16.NR;
        Panels = bf16.Panels;
        _data = [];
        Bf16X86 = bf16;
    }

    /// <summary>The micro-kernel this packing serves.</summary>
    public SgemmKernelKind Kernel { get; }

    /// <summary>The micro-kernel's name, e.g. <c>Sgemm_6x16_Avx2Fma</c>.</summary>
    public string KernelName => SgemmKernelInfo.Name(Kernel);

    /// <summary>Rows of B (the shared dimension).</summary>
    public int K { get; }

    /// <summary>Columns of B (and of C).</summary>
    public int N { get; }

    /// <summary>Largest K block; the last block may be shorter.</summary>
    public int KBlock { get; }

    /// <summary>Columns per packed panel (the kernel's NR).</summary>
    public int PanelWidth { get; }

    internal int Panels { get; }

    /// <summary>The bf16 packing when <see cref="Kernel"/> is <see cref="SgemmKernelKind.Bf16Bfmmla8x12"/>, else null.</summary>
    internal SbgemmPackedB? Bf16 { get; }

    /// <summary>The bf16 packing when <see cref="Kernel"/> is <see cref="SgemmKernelKind.Bf16Avx512x8x48"/>, else null.</summary>
    internal SbgemmAvx512Bf16PackedB? Bf16X86 { get; }

    internal int PaddedN => Panels * PanelWidth;

    internal int KBlocks => K == 0 ? 1 : (K + KBlock - 1) / KBlock;

    internal float* Data => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_data));

    internal Span<float> Storage => _data;
}
