using System.Runtime.InteropServices;
using MlNetGraviton.Kernels.Emit;
using static MlNetGraviton.Kernels.Emit.X64Reg;

namespace MlNetGraviton.Kernels.Tests.Emit;

public sealed unsafe class X64AssemblerTests
{
    // Each case: what the encoder is asked for, and binutils' Intel-syntax text (2.40 writes an embedded broadcast as "DWORD BCST [..]") for it (the independent reference).
    // Registers and displacements are chosen to hit every encoding corner: REX.R/B, EVEX R'/X (zmm16-31 as reg, vvvv
    // and rm), rsp/r12 bases (SIB), rbp/r13 bases (forced displacement), disp8*N compression and its 32-bit fallback.
    private static readonly (Action<X64Assembler> Emit, string Expected)[] s_cases =
    [
        (a => a.Ret(), "ret"),
        (a => a.Vzeroupper(), "vzeroupper"),
        (a => a.Push(Rbx), "push rbx"),
        (a => a.Push(R12), "push r12"),
        (a => a.Pop(R15), "pop r15"),
        (a => a.Mov(Rax, Rdi), "mov rax,rdi"),
        (a => a.Mov(R10, R9), "mov r10,r9"),
        (a => a.Add(Rdi, R8), "add rdi,r8"),
        (a => a.Sub(R11, Rcx), "sub r11,rcx"),
        (a => a.Test(Rdx, Rdx), "test rdx,rdx"),
        (a => a.AddImm(Rsi, 64), "add rsi,0x40"),
        (a => a.AddImm(Rsi, 1024), "add rsi,0x400"),
        (a => a.SubImm(R9, -8), "sub r9,0xfffffffffffffff8"),
        (a => a.CmpImm(Rdx, 4), "cmp rdx,0x4"),
        (a => a.Dec(Rdx), "dec rdx"),
        (a => a.Dec(R10), "dec r10"),
        (a => a.Lea(Rax, new X64Mem(Rdi, Rsi, 4, 0)), "lea rax,[rdi+rsi*4]"),
        (a => a.Lea(R11, new X64Mem(R8, R9, 8, 16)), "lea r11,[r8+r9*8+0x10]"),
        (a => a.Load(Rax, X64Mem.At(Rsp, 8)), "mov rax,QWORD PTR [rsp+0x8]"),
        (a => a.Prefetcht0(X64Mem.At(Rcx, 256)), "prefetcht0 BYTE PTR [rcx+0x100]"),
        (a => a.Prefetcht1(X64Mem.At(R9)), "prefetcht1 BYTE PTR [r9]"),
        (a => a.VmovupsLoad(0, X64Mem.At(Rsi)), "vmovups zmm0,ZMMWORD PTR [rsi]"),
        (a => a.VmovupsLoad(31, X64Mem.At(Rsi, 64)), "vmovups zmm31,ZMMWORD PTR [rsi+0x40]"),
        (a => a.VmovupsLoad(9, X64Mem.At(R13)), "vmovups zmm9,ZMMWORD PTR [r13+0x0]"),
        (a => a.VmovupsLoad(17, X64Mem.At(Rsp, 100)), "vmovups zmm17,ZMMWORD PTR [rsp+0x64]"),
        (a => a.VmovupsLoad(2, new X64Mem(Rcx, R8, 1, -128)), "vmovups zmm2,ZMMWORD PTR [rcx+r8*1-0x80]"),
        (a => a.VmovupsStore(X64Mem.At(R12, 8192), 24), "vmovups ZMMWORD PTR [r12+0x2000],zmm24"),
        (a => a.VmovupsStore(new X64Mem(Rcx, R8, 2, 0), 5), "vmovups ZMMWORD PTR [rcx+r8*2],zmm5"),
        (a => a.VmovupsStoreYmm(X64Mem.At(Rdx, 32), 20), "vmovups YMMWORD PTR [rdx+0x20],ymm20"),
        (a => a.Vbroadcastss(3, X64Mem.At(Rdi, 12)), "vbroadcastss zmm3,DWORD PTR [rdi+0xc]"),
        (a => a.Vpbroadcastd(30, X64Mem.At(Rdi, 4096)), "vpbroadcastd zmm30,DWORD PTR [rdi+0x1000]"),
        (a => a.Vpxord(16, 16, 16), "vpxord zmm16,zmm16,zmm16"),
        (a => a.Vpxord(1, 2, 3), "vpxord zmm1,zmm2,zmm3"),
        (a => a.Vaddps(4, 5, 6), "vaddps zmm4,zmm5,zmm6"),
        (a => a.Vaddps(4, 5, X64Mem.At(R8), false), "vaddps zmm4,zmm5,ZMMWORD PTR [r8]"),
        (a => a.Vmulps(8, 19, 27), "vmulps zmm8,zmm19,zmm27"),
        (a => a.Vpaddd(0, 1, 31), "vpaddd zmm0,zmm1,zmm31"),
        (a => a.Vcvtdq2ps(7, 23), "vcvtdq2ps zmm7,zmm23"),
        (a => a.Vfmadd231ps(0, 30, 31), "vfmadd231ps zmm0,zmm30,zmm31"),
        (a => a.Vfmadd231ps(12, 1, X64Mem.At(Rdi, 8), true), "vfmadd231ps zmm12,zmm1,DWORD BCST [rdi+0x8]"),
        (a => a.Vpdpbusd(0, 29, 30), "vpdpbusd zmm0,zmm29,zmm30"),
        (a => a.Vpdpbusd(27, 2, X64Mem.At(Rsi, 64), false), "vpdpbusd zmm27,zmm2,ZMMWORD PTR [rsi+0x40]"),
        (a => a.Vpdpbusd(1, 2, X64Mem.At(Rdi, 20), true), "vpdpbusd zmm1,zmm2,DWORD BCST [rdi+0x14]"),
        (a => a.Vdpbf16ps(1, 0, 2), "vdpbf16ps zmm1,zmm0,zmm2"),
        (a => a.Vdpbf16ps(25, 30, X64Mem.At(Rdi, 52), true), "vdpbf16ps zmm25,zmm30,DWORD BCST [rdi+0x34]"),
        (a => a.Vdpbf16ps(25, 30, X64Mem.At(Rdi, 1000), true), "vdpbf16ps zmm25,zmm30,DWORD BCST [rdi+0x3e8]"),
        (a => a.Vdpbf16ps(3, 4, X64Mem.At(Rsi, 128), false), "vdpbf16ps zmm3,zmm4,ZMMWORD PTR [rsi+0x80]"),
        (a => a.Vcvtne2ps2bf16(5, 6, 7), "vcvtne2ps2bf16 zmm5,zmm6,zmm7"),
        (a => a.Vcvtne2ps2bf16(21, 22, 23), "vcvtne2ps2bf16 zmm21,zmm22,zmm23"),
        (a => a.Vcvtneps2bf16(16, 17), "vcvtneps2bf16 ymm16,zmm17"),
        (a => a.Vpaddd(3, 4, X64Mem.At(Rax, 128), false), "vpaddd zmm3,zmm4,ZMMWORD PTR [rax+0x80]"),
        (a => a.Vpaddd(20, 21, X64Mem.At(R10, 8), true), "vpaddd zmm20,zmm21,DWORD BCST [r10+0x8]"),
        (a => a.Vpsubd(0, 1, 30), "vpsubd zmm0,zmm1,zmm30"),
        (a => a.Vpsubd(25, 25, X64Mem.At(R11, 100)), "vpsubd zmm25,zmm25,ZMMWORD PTR [r11+0x64]"),
        (a => a.Vpmulld(31, 30, 29), "vpmulld zmm31,zmm30,zmm29"),
        (a => a.Vpmulld(30, 31, X64Mem.At(R10, 64)), "vpmulld zmm30,zmm31,ZMMWORD PTR [r10+0x40]"),
        (a => a.Vmulps(2, 2, X64Mem.At(Rax, 192)), "vmulps zmm2,zmm2,ZMMWORD PTR [rax+0xc0]"),
        (a => a.Vmulps(17, 18, X64Mem.At(Rdi, 12), true), "vmulps zmm17,zmm18,DWORD BCST [rdi+0xc]"),
    ];

    [Fact]
    public void EveryInstructionDisassemblesToWhatWasAskedFor()
    {
        X64Disassembler.SkipIfUnavailable();
        var a = new X64Assembler();
        foreach ((Action<X64Assembler> emit, _) in s_cases)
            emit(a);
        IReadOnlyList<string> text = X64Disassembler.Disassemble(a.ToBytes());
        Assert.Equal(s_cases.Length, text.Count);
        var mismatches = new List<string>();
        for (int i = 0; i < s_cases.Length; i++)
        {
            if (text[i] != s_cases[i].Expected)
                mismatches.Add($"case {i}: expected '{s_cases[i].Expected}', objdump says '{text[i]}'");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void CompressedDisplacementsUseOneByteOnlyWhenTheyAreMultiplesOfTheOperandSize()
    {
        static int Length(Action<X64Assembler> emit)
        {
            var a = new X64Assembler();
            emit(a);
            return a.Count;
        }
        // 62 P0 P1 P2, opcode, ModRM (+ disp8 or disp32)
        Assert.Equal(7, Length(a => a.VmovupsLoad(0, X64Mem.At(Rsi, 64 * 127))));
        Assert.Equal(10, Length(a => a.VmovupsLoad(0, X64Mem.At(Rsi, 64 * 128))));
        Assert.Equal(10, Length(a => a.VmovupsLoad(0, X64Mem.At(Rsi, 4))));
        Assert.Equal(7, Length(a => a.Vdpbf16ps(0, 1, X64Mem.At(Rdi, 4), true)));
        Assert.Equal(7, Length(a => a.Vdpbf16ps(0, 1, X64Mem.At(Rdi, -512), true)));
        Assert.Equal(10, Length(a => a.Vdpbf16ps(0, 1, X64Mem.At(Rdi, 2), true)));
    }

    [Fact]
    public void BranchesResolveToTheirLabelsForwardAndBackward()
    {
        X64Disassembler.SkipIfUnavailable();
        var a = new X64Assembler();
        X64Label top = a.NewLabel(), done = a.NewLabel();
        a.Test(Rdx, Rdx);   // 0x00, 3 bytes
        a.Jz(done);         // 0x03, 6 bytes -> 0x17
        a.Bind(top);
        a.Dec(Rdx);         // 0x09, 3 bytes
        a.Jnz(top);         // 0x0c, 6 bytes -> 0x09
        a.Jmp(done);        // 0x12, 5 bytes -> 0x17
        a.Bind(done);
        a.Ret();
        IReadOnlyList<string> text = X64Disassembler.Disassemble(a.ToBytes());
        Assert.Equal(["test rdx,rdx", "je 0x17", "dec rdx", "jne 0x9", "jmp 0x17", "ret"], text);
    }

    [Fact]
    public void EmittedCodeRunsThroughAnUnmanagedFunctionPointer()
    {
        if (!ExecutableMemory.IsSupported || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            Assert.Skip("needs Linux x64");
        // long f(long a, long n): a + 3 + n − 1 (a loop of n decrements, to run a backward branch)
        var asm = new X64Assembler();
        X64Label loop = asm.NewLabel();
        asm.Mov(Rax, Rdi);
        asm.AddImm(Rax, 3);
        asm.Bind(loop);
        asm.AddImm(Rax, 1);
        asm.Dec(Rsi);
        asm.Jnz(loop);
        asm.SubImm(Rax, 1);
        asm.Ret();
        using ExecutableMemory code = ExecutableMemory.FromBytes(asm.ToBytes());
        var f = (delegate* unmanaged<long, long, long>)code.Address;
        Assert.Equal(10 + 3 + 5 - 1, f(10, 5));
        Assert.Equal(-7 + 3 + 1 - 1, f(-7, 1));
    }

    [Fact]
    public void UnboundAndForeignLabelsAndBadOperandsAreRejected()
    {
        var a = new X64Assembler();
        X64Label never = a.NewLabel();
        a.Jmp(never);
        Assert.Contains("never bound", Assert.Throws<InvalidOperationException>(() => a.ToBytes()).Message);
        Assert.Throws<ArgumentException>(() => a.Jnz(new X64Label(9)));
        X64Label once = a.NewLabel();
        a.Bind(once);
        Assert.Throws<InvalidOperationException>(() => a.Bind(once));
        Assert.Equal("dst", Assert.Throws<ArgumentOutOfRangeException>(() => a.Vpxord(32, 0, 0)).ParamName);
        Assert.Equal("reg", Assert.Throws<ArgumentOutOfRangeException>(() => a.Push(16)).ParamName);
        Assert.Throws<ArgumentException>(() => a.Lea(Rax, new X64Mem(Rdi, Rsp, 1, 0)));
        Assert.Throws<ArgumentException>(() => a.Lea(Rax, new X64Mem(Rdi, Rsi, 3, 0)));
    }
}
