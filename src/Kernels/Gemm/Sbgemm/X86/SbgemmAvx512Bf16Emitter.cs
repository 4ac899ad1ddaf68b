using MlNetGraviton.Kernels.Emit;
using static MlNetGraviton.Kernels.Emit.X64Reg;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Emits the x86 AVX512-BF16 micro-kernel (VDPBF16PS zmm: .NET 10 has no intrinsic for it): an MR × (16·vectors) fp32
/// tile over K in steps of 2. Packed B holds, per k pair, 16 columns per zmm as {B[k][j], B[k+1][j]} bf16 pairs; packed A
/// holds, per k pair, one {A[i][k], A[i][k+1]} pair per row, broadcast to every lane (VBROADCASTSS). Each VDPBF16PS adds
/// both products of a pair to its fp32 lane, so every accumulator is updated once per k pair, like the VNNI kernel.
/// </summary>
/// <remarks>
/// Signature: <c>void (uint* packedA, uint* packedB, long kPairs, float* c, long ldcBytes, SbgemmX86Epilogue* e)</c>.
/// <see cref="Output.Tile"/> stores the raw sums; <see cref="Output.Store"/> stores alpha·acc + bias (one FMA) and
/// <see cref="Output.Accumulate"/> alpha·acc + bias + C. VDPBF16PS arithmetic (Intel SDM): bf16 products are exact in
/// fp32, each addition rounds to nearest even, denormal inputs and results are treated as zero (DAZ/FTZ implied,
/// whatever MXCSR says); the epilogue is ordinary IEEE fp32.
/// </remarks>
internal static class SbgemmAvx512Bf16Emitter
{
    public enum Output { Tile, Store, Accumulate }

    // SbgemmX86Epilogue field offsets: float* Bias (NR floats), float Alpha, long LdaBytes (the fp32 form's A row stride).
    private const int BiasOffset = 0, AlphaOffset = 8, LdaOffset = 16, PrefetchOffset = 24, PrefetchStepOffset = 32;

    public static byte[] Emit(int mr, int vectors, Output output) => Emit(mr, vectors, output, fp32: false);

    /// <summary>
    /// The same tile loop for bf16 pairs (<paramref name="fp32"/> false: VDPBF16PS over packed A, one K pair per step)
    /// or fp32 (true: VFMADD231PS, one k per step, A read in place). The fp32 form's signature is
    /// <c>void (float* a, float* packedB, long k, float* c, long ldcBytes, SbgemmX86Epilogue* e)</c>: row i of A is
    /// <c>a + i·e->LdaBytes</c>, every row readable for k floats (the driver hands edge row blocks over as a zero-padded copy).
    /// </summary>
    public static byte[] Emit(int mr, int vectors, Output output, bool fp32)
    {
        int accumulators = mr * vectors;
        if (mr < 1 || vectors < 1 || accumulators + vectors + 3 > 32 || (fp32 && mr > 9))
            throw new ArgumentOutOfRangeException(nameof(mr), $"A {mr} × {vectors}·16 tile leaves too few of the 32 zmm registers.");
        const int A = Rdi, B = Rsi, Pairs = Rdx, C = Rcx, Ldc = R8, Epilogue = R9;
        const int Lda = R10, A3 = R11, A6 = Rax; // fp32: rows 0-2 from A, 3-5 from A3, 6-8 from A6, at + 0, lda, 2·lda
        int BReg(int v) => accumulators + v;
        int spare = 32 - accumulators - vectors;
        int ARegFor(int i) => accumulators + vectors + i % spare;
        int Acc(int i, int v) => i * vectors + v;
        X64Mem ARow(int i)
        {
            if (!fp32)
                return X64Mem.At(A, 4 * i);
            int rowBase = (i / 3) switch { 0 => A, 1 => A3, _ => A6 };
            return (i % 3) switch { 0 => X64Mem.At(rowBase), 1 => new X64Mem(rowBase, Lda, 1), _ => new X64Mem(rowBase, Lda, 2) };
        }

        const int Prefetch = Rbx, PrefetchStep = R12; // callee-saved: pushed here, popped before ret
        var asm = new X64Assembler();
        asm.Push(Prefetch);
        asm.Push(PrefetchStep);
        asm.Load(Prefetch, X64Mem.At(Epilogue, PrefetchOffset));
        asm.Load(PrefetchStep, X64Mem.At(Epilogue, PrefetchStepOffset));
        for (int r = 0; r < accumulators; r++)
            asm.Vpxord(r, r, r);
        if (fp32)
        {
            asm.Load(Lda, X64Mem.At(Epilogue, LdaOffset));
            if (mr > 3)
            {
                asm.Lea(A3, new X64Mem(A, Lda, 2));
                asm.Add(A3, Lda);           // A3 = A + 3·lda
            }
            if (mr > 6)
            {
                asm.Lea(A6, new X64Mem(A3, Lda, 2));
                asm.Add(A6, Lda);           // A6 = A3 + 3·lda
            }
        }
        X64Label loop = asm.NewLabel(), store = asm.NewLabel();
        asm.Test(Pairs, Pairs);
        asm.Jz(store);
        asm.Bind(loop);
        for (int v = 0; v < vectors; v++)
            asm.VmovupsLoad(BReg(v), X64Mem.At(B, 64 * v));
        for (int i = 0; i < mr; i++)
        {
            asm.Vbroadcastss(ARegFor(i), ARow(i));
            for (int v = 0; v < vectors; v++)
            {
                if (fp32)
                    asm.Vfmadd231ps(Acc(i, v), ARegFor(i), BReg(v));
                else
                    asm.Vdpbf16ps(Acc(i, v), ARegFor(i), BReg(v));
            }
        }
        if (fp32)
        {
            asm.AddImm(A, 4);
            if (mr > 3)
                asm.AddImm(A3, 4);
            if (mr > 6)
                asm.AddImm(A6, 4);
        }
        else
        {
            asm.AddImm(A, 4 * mr);
        }
        asm.Prefetcht1(X64Mem.At(Prefetch));
        asm.Add(Prefetch, PrefetchStep);
        asm.AddImm(B, 64 * vectors);
        asm.Dec(Pairs);
        asm.Jnz(loop);

        asm.Bind(store);
        if (output == Output.Tile)
        {
            for (int i = 0; i < mr; i++)
            {
                for (int v = 0; v < vectors; v++)
                    asm.VmovupsStore(X64Mem.At(C, 64 * v), Acc(i, v));
                if (i + 1 < mr)
                    asm.Add(C, Ldc);
            }
        }
        else
        {
            // out = alpha·acc + (bias (+ C)): the base is built in a spare register, then one FMA.
            const int Bias = Rax;
            int alpha = BReg(0), result = BReg(0) + 1;
            asm.Load(Bias, X64Mem.At(Epilogue, BiasOffset));
            asm.Vbroadcastss(alpha, X64Mem.At(Epilogue, AlphaOffset));
            for (int i = 0; i < mr; i++)
            {
                for (int v = 0; v < vectors; v++)
                {
                    asm.VmovupsLoad(result, X64Mem.At(Bias, 64 * v));
                    if (output == Output.Accumulate)
                        asm.Vaddps(result, result, X64Mem.At(C, 64 * v));
                    asm.Vfmadd231ps(result, Acc(i, v), alpha);
                    asm.VmovupsStore(X64Mem.At(C, 64 * v), result);
                }
                if (i + 1 < mr)
                    asm.Add(C, Ldc);
            }
        }
        asm.Pop(PrefetchStep);
        asm.Pop(Prefetch);
        asm.Vzeroupper();
        asm.Ret();
        return asm.ToBytes();
    }

    /// <summary>
    /// <c>void f(float* src, long blocks, ushort* dst)</c>: 32 floats per block to 32 bf16 with VCVTNE2PS2BF16
    /// (round-to-nearest-even; NaN stays NaN and turns quiet; denormal inputs and results become signed zero, whatever
    /// MXCSR says). The low 16 words come from the instruction's second source, so <c>src[0..16)</c> goes there.
    /// </summary>
    public static byte[] EmitConvertLoop()
    {
        const int Src = Rdi, Blocks = Rsi, Dst = Rdx;
        var asm = new X64Assembler();
        X64Label loop = asm.NewLabel(), done = asm.NewLabel();
        asm.Test(Blocks, Blocks);
        asm.Jz(done);
        asm.Bind(loop);
        asm.VmovupsLoad(0, X64Mem.At(Src, 0));
        asm.VmovupsLoad(1, X64Mem.At(Src, 64));
        asm.Vcvtne2ps2bf16(2, 1, 0);
        asm.VmovupsStore(X64Mem.At(Dst, 0), 2);
        asm.AddImm(Src, 128);
        asm.AddImm(Dst, 64);
        asm.Dec(Blocks);
        asm.Jnz(loop);
        asm.Bind(done);
        asm.Vzeroupper();
        asm.Ret();
        return asm.ToBytes();
    }

    /// <summary>long f(long n): n iterations of 24 independent VDPBF16PS zmm, no loads (the bf16 peak); returns 0.</summary>
    public static byte[] EmitPeakLoop()
    {
        var asm = new X64Assembler();
        for (int r = 0; r < 32; r++)
            asm.Vpxord(r, r, r);
        X64Label loop = asm.NewLabel(), done = asm.NewLabel();
        asm.Mov(Rax, Rdi);
        asm.Test(Rax, Rax);
        asm.Jz(done);
        asm.Bind(loop);
        for (int r = 0; r < PeakChains; r++)
            asm.Vdpbf16ps(r, 30, 31);
        asm.Dec(Rax);
        asm.Jnz(loop);
        asm.Bind(done);
        asm.Vzeroupper();
        asm.Ret();
        return asm.ToBytes();
    }

    /// <summary>Independent accumulators of <see cref="EmitPeakLoop"/>.</summary>
    public const int PeakChains = 24;
}
