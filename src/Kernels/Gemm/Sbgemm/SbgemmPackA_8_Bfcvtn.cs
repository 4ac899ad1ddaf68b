using MlNetGraviton.Kernels.Emit;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Emitted A64 packer: 8 rows of fp32 A, full steps of 4 k, converted to bf16 with BFCVTN/BFCVTN2 (hardware
/// round-to-nearest-even under the default FPCR) into the BFMMLA row-pair layout <see cref="Sbgemm_8x12_Bfmmla"/> reads.
/// Packing A once per 8-row block (instead of converting inside the micro-kernel) converts each element once rather
/// than once per column panel, keeps the micro-kernel's loop to loads and BFMMLAs, and lets the K tail and missing rows
/// be zero-padded in C# so nothing reads past the caller's A.
/// </summary>
/// <remarks>
/// Signature: <c>void (float** rows8, ushort* packed, long fullKSteps)</c>; each row pointer must have
/// 4·fullKSteps readable floats. fullKSteps may be 0.
/// </remarks>
internal static unsafe class SbgemmPackA_8_Bfcvtn
{
    public const string Name = "SbgemmPackA_8_Bfcvtn";

    private static readonly Lazy<ExecutableMemory> s_code = new(() => ExecutableMemory.FromA64(Emit()));

    /// <summary>Entry point; only call it on a CPU with BF16.</summary>
    public static delegate* unmanaged<float**, ushort*, long, void> Function =>
        (delegate* unmanaged<float**, ushort*, long, void>)s_code.Value.Address;

    /// <summary>The packer's instruction words.</summary>
    public static uint[] Emit()
    {
        const int Rows = 0, Dst = 1, Steps = 2, Row0 = 9; // x9..x16 hold the 8 row pointers (scratch registers)
        var asm = new A64Assembler();
        for (int i = 0; i < 8; i += 2)
            asm.LdpX(Row0 + i, Row0 + i + 1, Rows, i * 8);
        A64Label done = asm.NewLabel(), loop = asm.NewLabel();
        asm.Cbz(Steps, done);
        asm.Bind(loop);
        for (int r = 0; r < 8; r++)
            asm.LdrQPost(r, Row0 + r, 16);
        for (int pair = 0; pair < 4; pair++)
        {
            asm.Bfcvtn(16 + pair, 2 * pair);      // even row → low 4 bf16
            asm.Bfcvtn2(16 + pair, 2 * pair + 1); // odd row → high 4 bf16
        }
        asm.StpQPost(16, 17, Dst, 32);
        asm.StpQPost(18, 19, Dst, 32);
        asm.SubsImm(Steps, Steps, 1);
        asm.BCond(A64Condition.Ne, loop);
        asm.Bind(done);
        asm.Ret();
        return asm.ToWords();
    }
}
