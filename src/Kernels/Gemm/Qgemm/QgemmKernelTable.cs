namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// The int8 GEMM dispatch table (MLAS style): every kernel family, best first. <see cref="Select"/> picks the first
/// one the CPU supports; B is packed for that kernel, so the choice is made once per weight.
/// A new family (e.g. the emitted SMMLA/UMMLA/USMMLA kernels in Gemm/Qgemm/Mmla) is added by one line here.
/// </summary>
internal static class QgemmKernelTable
{
    private static readonly QgemmKernel[] s_bestFirst =
    [
        // Arm64 (I8MM first: u8 activations, ORT's dynamic quantization, need no flip with USMMLA)
        Qgemm_U8S8_8x8_I8mm.Instance,
        Qgemm_S8S8_8x8_I8mm.Instance,
        Qgemm_S8S8_8x8_Dot.Instance,
        Qgemm_U8S8_8x8_Neon.Instance,
        // x86-64
        Qgemm_U8S8_8x48_Avx512Vnni.Instance,
        Qgemm_U8S8_6x16_AvxVnni.Instance,
        Qgemm_U8S8_4x16_Avx2Maddubs.Instance,
        Qgemm_U8S8_6x16_Avx2.Instance,
        // everywhere
        Qgemm_U8S8_4x4_Scalar.Instance,
    ];

    /// <summary>All registered kernels, best first.</summary>
    public static IReadOnlyList<QgemmKernel> All => s_bestFirst;

    /// <summary>The best kernel <paramref name="cpu"/> supports (the scalar kernel at worst).</summary>
    public static QgemmKernel Select(CpuFeatures cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        foreach (QgemmKernel kernel in s_bestFirst)
        {
            if (kernel.IsSupported(cpu))
                return kernel;
        }
        return Qgemm_U8S8_4x4_Scalar.Instance;
    }

    /// <summary>
    /// The best kernel for this weight: <see cref="Select(CpuFeatures)"/>, except that a kernel which saturates int16
    /// pair sums is skipped for the next exact one when more than <see cref="QgemmPairSaturation.MaxUnsafeFraction"/>
    /// of B's pairs would need the exact correction.
    /// </summary>
    public static QgemmKernel Select(CpuFeatures cpu, ReadOnlySpan<sbyte> b, int k, int n)
    {
        QgemmKernel best = Select(cpu);
        if (!best.SaturatesInt16Pairs)
            return best;
        (long pairs, long unsafePairs) = QgemmPairSaturation.Count(b, k, n);
        if (unsafePairs <= pairs * QgemmPairSaturation.MaxUnsafeFraction)
            return best;
        foreach (QgemmKernel kernel in s_bestFirst)
        {
            if (!kernel.SaturatesInt16Pairs && kernel.IsSupported(cpu))
                return kernel;
        }
        return Qgemm_U8S8_4x4_Scalar.Instance;
    }

    /// <summary>Looks a kernel up by its contract name.</summary>
    public static QgemmKernel? Find(string name)
        => Array.Find(s_bestFirst, k => string.Equals(k.Name, name, StringComparison.Ordinal));
}
