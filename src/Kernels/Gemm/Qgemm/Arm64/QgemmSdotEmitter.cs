using MlNetGraviton.Kernels.Emit;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Emits the A64 SDOT (by element) micro-kernel of <see cref="Qgemm_S8S8_8x8_Dot"/>: 8×8 int32 tile, K step 4.
/// Emitted rather than left to the JIT so the loop the CPU runs is known word for word (and can be modelled with
/// llvm-mca): per K step two LDP Q (A rows 0–7, B columns 0–7, 4 bytes each) and 16 SDOTs, one per accumulator.
/// </summary>
/// <remarks>
/// Signature: <c>void (byte* packedA, byte* packedB, long kGroups, int* tile)</c>; the tile is 8×8 int32, row-major.
/// Accumulator v(16 + 2r + h) holds row r, columns 4h..4h+3: SDOT multiplies B's four columns (v4/v5, 16 bytes)
/// by row r's four bytes (lane r % 4 of v0/v1). Only caller-saved registers are used.
/// </remarks>
internal static class QgemmSdotEmitter
{
    public static uint[] Emit()
    {
        const int A = 0, B = 1, Groups = 2, Tile = 3;
        var asm = new A64Assembler();
        for (int v = 16; v < 32; v++)
            asm.MoviZero(v);
        A64Label loop = asm.NewLabel(), store = asm.NewLabel();
        asm.Cbz(Groups, store);
        asm.Bind(loop);
        asm.LdpQPost(0, 1, A, 32); // rows 0-3, 4-7 (4 bytes each)
        asm.LdpQPost(4, 5, B, 32); // columns 0-3, 4-7 (4 bytes each)
        for (int row = 0; row < 8; row++)
        {
            for (int half = 0; half < 2; half++)
                asm.SdotElement(Acc(row, half), 4 + half, row / 4, row % 4);
        }
        asm.SubsImm(Groups, Groups, 1);
        asm.BCond(A64Condition.Ne, loop);

        asm.Bind(store);
        for (int row = 0; row < 8; row++)
            asm.StpQ(Acc(row, 0), Acc(row, 1), Tile, row * 32);
        asm.Ret();
        return asm.ToWords();
    }

    private static int Acc(int row, int half) => 16 + 2 * row + half;
}
