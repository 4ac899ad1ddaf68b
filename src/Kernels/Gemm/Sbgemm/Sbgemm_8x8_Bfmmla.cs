using MlNetGraviton.Kernels.Emit;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Emitted A64 micro-kernel: C(8×8, fp32) = alpha · A(8×K, bf16 packed) · B(K×8, bf16 packed) + bias, K step 4,
/// with BFMMLA (FEAT_BF16; .NET has no intrinsic for it). Each BFMMLA multiplies a 2×4 block of A by a 4×2 block
/// of B into a 2×2 fp32 block, so 16 accumulators cover the tile; 4 A + 4 B operand registers make 24, which fits
/// the caller-saved registers (v0–v7, v16–v31) without touching the callee-saved v8–v15.
/// </summary>
/// <remarks>
/// Signature (AAPCS64): <c>void (ushort* packedA, ushort* packedB, long kSteps ≥ 1, float* c, long ldcBytes,
/// float* alpha, float* bias8)</c>. Packed A per k step: row pairs (0,1) (2,3) (4,5) (6,7), each 2 × 4 bf16.
/// Arithmetic (Arm ARM, BFMMLA without FEAT_EBF16): products and sums use round-to-odd, and denormal bf16 inputs
/// and fp32 results are flushed to zero regardless of FPCR. The epilogue (FMUL by alpha, FADD bias) is IEEE fp32.
/// </remarks>
internal static unsafe class Sbgemm_8x8_Bfmmla
{
    public const string Name = "Sbgemm_8x8_Bfmmla";

    private static readonly Lazy<ExecutableMemory> s_code = new(() => ExecutableMemory.FromA64(Emit()));

    /// <summary>Entry point; only call it on a CPU with BF16.</summary>
    public static delegate* unmanaged<ushort*, ushort*, long, float*, long, float*, float*, void> Function =>
        (delegate* unmanaged<ushort*, ushort*, long, float*, long, float*, float*, void>)s_code.Value.Address;

    /// <summary>The kernel's instruction words.</summary>
    public static uint[] Emit()
    {
        const int A = 0, B = 1, KSteps = 2, C = 3, Ldc = 4, Alpha = 5, Bias = 6;
        var asm = new A64Assembler();
        for (int v = 16; v < 32; v++)
            asm.MoviZero(v);

        A64Label loop = asm.NewLabel();
        asm.Bind(loop);
        asm.LdpQPost(0, 1, A, 32); // rows 0-1, 2-3
        asm.LdpQPost(2, 3, A, 32); // rows 4-5, 6-7
        asm.LdpQPost(4, 5, B, 32); // columns 0-1, 2-3
        asm.LdpQPost(6, 7, B, 32); // columns 4-5, 6-7
        for (int rowPair = 0; rowPair < 4; rowPair++)
            for (int colPair = 0; colPair < 4; colPair++)
                asm.Bfmmla(Acc(rowPair, colPair), rowPair, 4 + colPair);
        asm.SubsImm(KSteps, KSteps, 1);
        asm.BCond(A64Condition.Ne, loop);

        // Epilogue: v6 = alpha in every lane, v4/v5 = bias columns 0-3/4-7; v0..v3 rebuild two C rows.
        asm.Ld1R(6, A64Arrangement.S4, Alpha);
        asm.LdpQ(4, 5, Bias);
        for (int rowPair = 0; rowPair < 4; rowPair++)
        {
            // An accumulator holds [r0c0 r0c1 | r1c0 r1c1]: 64-bit zips of neighbours give rows of 4 columns.
            asm.Zip1(0, Acc(rowPair, 0), Acc(rowPair, 1), A64Arrangement.D2); // even row, columns 0-3
            asm.Zip1(1, Acc(rowPair, 2), Acc(rowPair, 3), A64Arrangement.D2); // even row, columns 4-7
            asm.Zip2(2, Acc(rowPair, 0), Acc(rowPair, 1), A64Arrangement.D2); // odd row, columns 0-3
            asm.Zip2(3, Acc(rowPair, 2), Acc(rowPair, 3), A64Arrangement.D2); // odd row, columns 4-7
            for (int v = 0; v < 4; v++)
                asm.Fmul(v, v, 6);
            asm.Fadd(0, 0, 4);
            asm.Fadd(1, 1, 5);
            asm.Fadd(2, 2, 4);
            asm.Fadd(3, 3, 5);
            asm.StpQ(0, 1, C);
            asm.AddReg(C, C, Ldc);
            asm.StpQ(2, 3, C);
            asm.AddReg(C, C, Ldc);
        }
        asm.Ret();
        return asm.ToWords();
    }

    private static int Acc(int rowPair, int colPair) => 16 + rowPair * 4 + colPair;
}
