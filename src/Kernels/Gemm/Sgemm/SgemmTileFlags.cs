namespace MlNetGraviton.Kernels.Gemm;

/// <summary>What a micro-kernel call does around its K block (K is split into cache-sized blocks).</summary>
[Flags]
internal enum SgemmTileFlags
{
    None = 0,
    /// <summary>First K block: start from bias (+ C when <see cref="Accumulate"/>) instead of the partial sum in C.</summary>
    FirstBlock = 1,
    /// <summary>Last K block: apply the activation.</summary>
    LastBlock = 2,
    /// <summary>The user asked for C += …: on the first block the existing C is added.</summary>
    Accumulate = 4,
}
