namespace MlNetGraviton.Kernels.Emit;

/// <summary>Vector arrangement of an AdvSimd operand: lane count and lane size (e.g. <c>4S</c> = four 32-bit lanes).</summary>
public enum A64Arrangement
{
    B8, B16, H4, H8, S2, S4, D2,
}

internal static class A64ArrangementExtensions
{
    /// <summary>The <c>size</c> field (lane size: 0 = 8-bit ... 3 = 64-bit).</summary>
    internal static uint Size(this A64Arrangement a) => a switch
    {
        A64Arrangement.B8 or A64Arrangement.B16 => 0u,
        A64Arrangement.H4 or A64Arrangement.H8 => 1u,
        A64Arrangement.S2 or A64Arrangement.S4 => 2u,
        _ => 3u,
    };

    /// <summary>The <c>Q</c> bit: 1 for a full 128-bit register.</summary>
    internal static uint Q(this A64Arrangement a) =>
        a is A64Arrangement.B16 or A64Arrangement.H8 or A64Arrangement.S4 or A64Arrangement.D2 ? 1u : 0u;
}
