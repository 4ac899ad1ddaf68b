using MlNetGraviton.Kernels.Emit;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Emits the int8 MMLA micro-kernels (FEAT_I8MM; .NET has no intrinsics for them): an 8×8 int32 tile over K in
/// steps of 8. The shared packed layout (<see cref="QgemmKernel"/>, KGroup 8) already is the MMLA operand layout:
/// per k group, rows (columns) 2i and 2i+1 hold 8 bytes each, back to back, which is one 2×8 operand register.
/// Each MMLA multiplies a 2×8 block of A by an 8×2 block of B into a 2×2 int32 block, so 16 accumulators cover
/// the tile; with 4 A + 4 B registers that is 24, all caller-saved (v0–v7, v16–v31).
/// </summary>
/// <remarks>Signature: <c>void (byte* packedA, byte* packedB, long kGroups, int* tile)</c>; the tile is 8×8 int32, row-major.</remarks>
internal static class QgemmMmlaEmitter
{
    /// <summary>Which MMLA instruction multiplies the operands (and so how A and B bytes are read).</summary>
    public enum Variant
    {
        /// <summary>SMMLA: s8 A × s8 B.</summary>
        Smmla,
        /// <summary>USMMLA: u8 A × s8 B.</summary>
        Usmmla,
    }

    public static uint[] Emit(Variant variant)
    {
        const int A = 0, B = 1, Groups = 2, Tile = 3;
        var asm = new A64Assembler();
        for (int v = 16; v < 32; v++)
            asm.MoviZero(v);
        A64Label loop = asm.NewLabel(), store = asm.NewLabel();
        asm.Cbz(Groups, store);
        asm.Bind(loop);
        asm.LdpQPost(0, 1, A, 32); // rows 0-1, 2-3
        asm.LdpQPost(2, 3, A, 32); // rows 4-5, 6-7
        asm.LdpQPost(4, 5, B, 32); // columns 0-1, 2-3
        asm.LdpQPost(6, 7, B, 32); // columns 4-5, 6-7
        for (int rowPair = 0; rowPair < 4; rowPair++)
        {
            for (int colPair = 0; colPair < 4; colPair++)
            {
                if (variant == Variant.Smmla)
                    asm.Smmla(Acc(rowPair, colPair), rowPair, 4 + colPair);
                else
                    asm.Usmmla(Acc(rowPair, colPair), rowPair, 4 + colPair); // Vn (A) unsigned, Vm (B) signed
            }
        }
        asm.SubsImm(Groups, Groups, 1);
        asm.BCond(A64Condition.Ne, loop);

        asm.Bind(store);
        for (int rowPair = 0; rowPair < 4; rowPair++)
        {
            // An accumulator holds [r0c0 r0c1 | r1c0 r1c1]: 64-bit zips of neighbours give rows of 4 columns.
            asm.Zip1(0, Acc(rowPair, 0), Acc(rowPair, 1), A64Arrangement.D2);
            asm.Zip1(1, Acc(rowPair, 2), Acc(rowPair, 3), A64Arrangement.D2);
            asm.Zip2(2, Acc(rowPair, 0), Acc(rowPair, 1), A64Arrangement.D2);
            asm.Zip2(3, Acc(rowPair, 2), Acc(rowPair, 3), A64Arrangement.D2);
            asm.StpQ(0, 1, Tile, rowPair * 64);      // row 2·rowPair: 8 int32 = 32 bytes
            asm.StpQ(2, 3, Tile, rowPair * 64 + 32); // row 2·rowPair + 1
        }
        asm.Ret();
        return asm.ToWords();
    }

    private static int Acc(int rowPair, int colPair) => 16 + rowPair * 4 + colPair;
}
