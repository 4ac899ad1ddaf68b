using MlNetGraviton.Kernels.Emit;
using static MlNetGraviton.Kernels.Emit.X64Reg;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Emits the 512-bit VNNI int8 micro-kernel (VPDPBUSD zmm: .NET 10 has no intrinsic for it without AVX10): an
/// MR × (16·vectors) int32 tile over K in steps of 4. The shared packed layout (<see cref="QgemmKernel"/>, KGroup 4)
/// already is the VPDPBUSD operand layout: per k group, 16 columns of B are one zmm (4 bytes per int32 lane) and each
/// row of A is one dword to broadcast. VPDPBUSD's unsigned operand must be a register, so A is broadcast (VPBROADCASTD)
/// and B, the signed operand, is the full-width one; every accumulator is updated once per k group.
/// </summary>
/// <remarks>
/// Signature: <c>void (byte* packedA, byte* packedB, long kGroups, void* c, long ldcBytes, QgemmFusedTile* e)</c>.
/// <see cref="Output.Tile"/> writes the raw dot products (the <see cref="QgemmKernel"/> contract; <c>e</c> unused);
/// the other outputs fuse what the driver would otherwise do per element, so a full tile goes straight to C:
/// the zero-point correction za·adjust[j] − zb[j]·rowsum[i] (driver-prepared per call), and for float output the
/// dequantize (one multiply by the combined scale per column) and bias, in the same order and rounding as
/// <see cref="QgemmTileTask"/> (VCVTDQ2PS, VMULPS, VADDPS: no FMA), so both paths give identical bits.
/// </remarks>
internal static class QgemmVnni512Emitter
{
    /// <summary>What the kernel writes after the K loop.</summary>
    public enum Output
    {
        /// <summary>Raw int32 dot products.</summary>
        Tile,
        /// <summary>Zero-point corrected int32.</summary>
        Int32,
        /// <summary>Corrected, converted to float and scaled.</summary>
        Float,
        /// <summary>As <see cref="Float"/>, plus the bias.</summary>
        FloatBias,
    }

    /// <summary>Byte offsets of the fields of <see cref="QgemmFusedTile"/>.</summary>
    private const int ColumnTermOffset = 0, ZeroPointsOffset = 8, RowSumsOffset = 16, ScalesOffset = 24, BiasOffset = 32;
    private const int PrefetchOffset = 40, PrefetchStepOffset = 48;

    public static byte[] Emit(int mr, int vectors, Output output)
    {
        int accumulators = mr * vectors;
        if (mr < 1 || vectors < 1 || accumulators + vectors + 1 > 32)
            throw new ArgumentOutOfRangeException(nameof(mr), $"A {mr} × {vectors}·16 tile needs more than 32 zmm registers.");
        const int A = Rdi, B = Rsi, Groups = Rdx, C = Rcx, Ldc = R8, Epilogue = R9;
        int BReg(int v) => accumulators + v;
        int ARegCount = 32 - accumulators - vectors; // broadcast A rows rotate over the spare registers
        int ARegFor(int i) => accumulators + vectors + i % ARegCount;
        int Acc(int i, int v) => i * vectors + v;

        // The fused outputs (full tiles) prefetch, per k group, at e->Prefetch, then + e->PrefetchStep (the driver points it
        // at the B panel it runs next); rbx and r12 are callee-saved, so pushed here and popped before ret. Tile has no e.
        const int Prefetch = Rbx, PrefetchStep = R12;
        bool prefetch = output != Output.Tile;
        var asm = new X64Assembler();
        if (prefetch)
        {
            asm.Push(Prefetch);
            asm.Push(PrefetchStep);
            asm.Load(Prefetch, X64Mem.At(Epilogue, PrefetchOffset));
            asm.Load(PrefetchStep, X64Mem.At(Epilogue, PrefetchStepOffset));
        }
        for (int r = 0; r < accumulators; r++)
            asm.Vpxord(r, r, r);
        X64Label loop = asm.NewLabel(), store = asm.NewLabel();
        asm.Test(Groups, Groups);
        asm.Jz(store);
        asm.Bind(loop);
        for (int v = 0; v < vectors; v++)
            asm.VmovupsLoad(BReg(v), X64Mem.At(B, 64 * v));
        for (int i = 0; i < mr; i++)
        {
            asm.Vpbroadcastd(ARegFor(i), X64Mem.At(A, 4 * i));
            for (int v = 0; v < vectors; v++)
                asm.Vpdpbusd(Acc(i, v), ARegFor(i), BReg(v));
        }
        if (prefetch)
        {
            asm.Prefetcht1(X64Mem.At(Prefetch));
            asm.Add(Prefetch, PrefetchStep);
        }
        asm.AddImm(A, 4 * mr);
        asm.AddImm(B, 64 * vectors);
        asm.Dec(Groups);
        asm.Jnz(loop);

        asm.Bind(store);
        if (output != Output.Tile)
        {
            // acc += za·adjust[j] (one vector per column group) − zb[j]·rowsum[i]
            const int ColumnTerm = Rax, ZeroPoints = R10, RowSums = R11;
            int rowSum = BReg(0), product = BReg(0) + 1;
            asm.Load(ColumnTerm, X64Mem.At(Epilogue, ColumnTermOffset));
            asm.Load(ZeroPoints, X64Mem.At(Epilogue, ZeroPointsOffset));
            asm.Load(RowSums, X64Mem.At(Epilogue, RowSumsOffset));
            for (int i = 0; i < mr; i++)
            {
                asm.Vpbroadcastd(rowSum, X64Mem.At(RowSums, 4 * i));
                for (int v = 0; v < vectors; v++)
                {
                    asm.Vpmulld(product, rowSum, X64Mem.At(ZeroPoints, 64 * v));
                    asm.Vpaddd(Acc(i, v), Acc(i, v), X64Mem.At(ColumnTerm, 64 * v));
                    asm.Vpsubd(Acc(i, v), Acc(i, v), product);
                }
            }
        }
        if (output is Output.Float or Output.FloatBias)
        {
            const int Scales = Rax, Bias = R10;
            asm.Load(Scales, X64Mem.At(Epilogue, ScalesOffset));
            if (output == Output.FloatBias)
                asm.Load(Bias, X64Mem.At(Epilogue, BiasOffset));
            for (int i = 0; i < mr; i++)
            {
                for (int v = 0; v < vectors; v++)
                {
                    asm.Vcvtdq2ps(Acc(i, v), Acc(i, v));
                    asm.Vmulps(Acc(i, v), Acc(i, v), X64Mem.At(Scales, 64 * v));
                    if (output == Output.FloatBias)
                        asm.Vaddps(Acc(i, v), Acc(i, v), X64Mem.At(Bias, 64 * v));
                }
            }
        }
        for (int i = 0; i < mr; i++)
        {
            for (int v = 0; v < vectors; v++)
                asm.VmovupsStore(X64Mem.At(C, 64 * v), Acc(i, v));
            if (i + 1 < mr)
                asm.Add(C, Ldc);
        }
        if (prefetch)
        {
            asm.Pop(PrefetchStep);
            asm.Pop(Prefetch);
        }
        asm.Vzeroupper();
        asm.Ret();
        return asm.ToBytes();
    }
}
