namespace MlNetGraviton.Kernels.Gemm;

/// <summary>fp32 → bf16 with round-to-nearest-even, the rounding BFCVTN applies under the default FPCR.</summary>
internal static class BFloat16Rounding
{
    /// <summary>The bf16 bits of <paramref name="value"/>: RNE on the dropped 16 bits; NaN stays a (quiet) NaN.</summary>
    public static ushort FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFFu) > 0x7F80_0000u)
            return (ushort)((bits >> 16) | 0x0040u); // a NaN whose payload sat in the low bits must not round to Inf
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }
}
