using MlNetGraviton.Kernels.Emit;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Emitted A64 micro-kernel: C(8×12, fp32) = alpha · A(8×K, bf16 packed) · B(K×12, bf16 packed) + bias, K step 4,
/// with BFMMLA (FEAT_BF16; .NET has no intrinsic for it). Each BFMMLA multiplies a 2×4 block of A by a 4×2 block
/// of B into a 2×2 fp32 block, so 24 accumulators (v8–v31) cover the tile; A takes v0–v3 and B streams through
/// v4–v7 two column pairs at a time.
/// </summary>
/// <remarks>
/// Why 8×12 and not 8×8 (the shape KleidiAI's bf16 kernels also use): on Neoverse V1 BFMMLA issues 4 per cycle but
/// has a 5-cycle latency, and each accumulator is updated once per K step. 16 accumulators cap an 8×8 loop at one step
/// per 5 cycles (80% of peak in llvm-mca's model); 24 keep the pipes busy for 6 cycles, longer than the latency.
/// Using v8–v15 means saving d8–d15 (AAPCS64 callee-saved low halves) around the kernel.
/// Signature (AAPCS64): <c>void (ushort* packedA, ushort* packedB, long kSteps ≥ 1, float* c, long ldcBytes,
/// float* alpha, float* bias12)</c>. Packed A per k step: row pairs (0,1) (2,3) (4,5) (6,7), each 2 × 4 bf16;
/// packed B per k step: column pairs (0,1) … (10,11), each 2 × 4 bf16.
/// Arithmetic (Arm ARM, BFMMLA without FEAT_EBF16): products and sums use round-to-odd, and denormal bf16 inputs
/// and fp32 results are flushed to zero regardless of FPCR. The epilogue (FMUL by alpha, FADD bias) is IEEE fp32.
/// </remarks>
internal static unsafe class Sbgemm_8x12_Bfmmla
{
    public const string Name = "Sbgemm_8x12_Bfmmla";

    public const int MR = 8;
    public const int NR = 12;

    private static readonly Lazy<ExecutableMemory> s_code = new(() => ExecutableMemory.FromA64(Emit()));

    /// <summary>Entry point; only call it on a CPU with BF16.</summary>
    public static delegate* unmanaged<ushort*, ushort*, long, float*, long, float*, float*, void> Function =>
        (delegate* unmanaged<ushort*, ushort*, long, float*, long, float*, float*, void>)s_code.Value.Address;

    /// <summary>The kernel's instruction words.</summary>
    public static uint[] Emit()
    {
        const int A = 0, B = 1, KSteps = 2, C = 3, Ldc = 4, Alpha = 5, Bias = 6, Sp = 31;
        var asm = new A64Assembler();
        for (int d = 8; d < 16; d += 2)
            asm.StpDPre(d, d + 1, Sp, -16); // callee-saved d8-d15; SP stays 16-byte aligned
        for (int v = 8; v < 32; v++)
            asm.MoviZero(v);

        A64Label loop = asm.NewLabel();
        asm.Bind(loop);
        asm.LdpQPost(0, 1, A, 32); // rows 0-1, 2-3
        asm.LdpQPost(2, 3, A, 32); // rows 4-5, 6-7
        for (int group = 0; group < 3; group++)
        {
            // Column pairs 2g and 2g+1; v4/v5 and v6/v7 alternate so a load never waits on the BFMMLAs just issued.
            int b0 = group % 2 == 0 ? 4 : 6;
            asm.LdpQPost(b0, b0 + 1, B, 32);
            for (int c = 0; c < 2; c++)
                for (int rowPair = 0; rowPair < 4; rowPair++)
                    asm.Bfmmla(Acc(rowPair, 2 * group + c), rowPair, b0 + c);
        }
        asm.SubsImm(KSteps, KSteps, 1);
        asm.BCond(A64Condition.Ne, loop);

        // Epilogue: v4 = alpha in every lane, v5/v6/v7 = bias columns 0-3/4-7/8-11; v0..v2 rebuild one C row.
        asm.Ld1R(4, A64Arrangement.S4, Alpha);
        asm.Ld1(5, 3, A64Arrangement.S4, Bias);
        for (int rowPair = 0; rowPair < 4; rowPair++)
        {
            for (int odd = 0; odd < 2; odd++)
            {
                // An accumulator holds [r0c0 r0c1 | r1c0 r1c1]: 64-bit zips of neighbours give rows of 4 columns.
                for (int quad = 0; quad < 3; quad++)
                {
                    if (odd == 0)
                        asm.Zip1(quad, Acc(rowPair, 2 * quad), Acc(rowPair, 2 * quad + 1), A64Arrangement.D2);
                    else
                        asm.Zip2(quad, Acc(rowPair, 2 * quad), Acc(rowPair, 2 * quad + 1), A64Arrangement.D2);
                }
                for (int quad = 0; quad < 3; quad++)
                    asm.Fmul(quad, quad, 4);
                for (int quad = 0; quad < 3; quad++)
                    asm.Fadd(quad, quad, 5 + quad);
                asm.St1(0, 3, A64Arrangement.S4, C);
                asm.AddReg(C, C, Ldc);
            }
        }
        for (int d = 14; d >= 8; d -= 2)
            asm.LdpDPost(d, d + 1, Sp, 16);
        asm.Ret();
        return asm.ToWords();
    }

    private static int Acc(int rowPair, int colPair) => 8 + rowPair * 6 + colPair;
}
