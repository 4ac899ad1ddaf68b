using MlNetGraviton.Kernels.Emit;
using static MlNetGraviton.Kernels.Emit.A64Arrangement;

namespace MlNetGraviton.Kernels.Tests.Emit;

public sealed class A64AssemblerTests
{
    // Each case: what the encoder is asked for, and binutils' text for it (the independent reference).
    private static readonly (Action<A64Assembler> Emit, string Expected)[] s_cases =
    [
        (a => a.Ret(), "ret"),
        (a => a.AddImm(0, 1, 4095), "add x0, x1, #0xfff"),
        (a => a.AddImm(3, 31, 4096), "add x3, sp, #0x1, lsl #12"),
        (a => a.SubImm(2, 2, 16), "sub x2, x2, #0x10"),
        (a => a.SubsImm(9, 9, 1), "subs x9, x9, #0x1"),
        (a => a.AddReg(10, 11, 12), "add x10, x11, x12"),
        (a => a.AddReg(10, 11, 12, 2), "add x10, x11, x12, lsl #2"),
        (a => a.SubReg(1, 2, 3, 4), "sub x1, x2, x3, lsl #4"),
        (a => a.MovReg(5, 6), "mov x5, x6"),
        (a => a.Movz(7, 0x1234), "mov x7, #0x1234"),
        (a => a.LdrX(9, 0, 56), "ldr x9, [x0, #56]"),
        (a => a.LdpX(9, 10, 0, 16), "ldp x9, x10, [x0, #16]"),
        (a => a.LdrQ(1, 0), "ldr q1, [x0]"),
        (a => a.LdrQ(31, 30, 65520), "ldr q31, [x30, #65520]"),
        (a => a.StrQ(0, 2, 32), "str q0, [x2, #32]"),
        (a => a.LdrQPost(3, 9, 16), "ldr q3, [x9], #16"),
        (a => a.StrQPost(3, 9, -256), "str q3, [x9], #-256"),
        (a => a.LdrD(8, 1, 8), "ldr d8, [x1, #8]"),
        (a => a.StrD(8, 1, 16), "str d8, [x1, #16]"),
        (a => a.LdrS(24, 5, 4), "ldr s24, [x5, #4]"),
        (a => a.StrS(24, 5), "str s24, [x5]"),
        (a => a.LdpQ(4, 5, 6, 32), "ldp q4, q5, [x6, #32]"),
        (a => a.LdpQPost(0, 1, 0, 32), "ldp q0, q1, [x0], #32"),
        (a => a.StpQ(0, 2, 3, -1024), "stp q0, q2, [x3, #-1024]"),
        (a => a.StpQPost(16, 17, 1, 1008), "stp q16, q17, [x1], #1008"),
        (a => a.StpDPre(8, 9, 31, -64), "stp d8, d9, [sp, #-64]!"),
        (a => a.LdpDPost(8, 9, 31, 64), "ldp d8, d9, [sp], #64"),
        (a => a.Ld1(0, 1, B16, 1), "ld1 {v0.16b}, [x1]"),
        (a => a.Ld1(4, 4, S4, 1), "ld1 {v4.4s-v7.4s}, [x1]"),
        (a => a.Ld1Post(30, 2, B16, 1), "ld1 {v30.16b, v31.16b}, [x1], #32"),
        (a => a.Ld1Post(2, 3, H8, 7), "ld1 {v2.8h-v4.8h}, [x7], #48"),
        (a => a.St1(0, 2, S4, 3), "st1 {v0.4s, v1.4s}, [x3]"),
        (a => a.St1Post(0, 1, D2, 3), "st1 {v0.2d}, [x3], #16"),
        (a => a.Ld1R(6, S4, 5), "ld1r {v6.4s}, [x5]"),
        (a => a.MoviZero(16), "movi v16.2d, #0x0"),
        (a => a.MovVector(1, 2), "mov v1.16b, v2.16b"),
        (a => a.Fadd(0, 1, 2), "fadd v0.4s, v1.4s, v2.4s"),
        (a => a.Fadd(0, 1, 2, D2), "fadd v0.2d, v1.2d, v2.2d"),
        (a => a.Fmul(3, 4, 5), "fmul v3.4s, v4.4s, v5.4s"),
        (a => a.Fmul(3, 4, 5, S2), "fmul v3.2s, v4.2s, v5.2s"),
        (a => a.Fmla(6, 7, 31), "fmla v6.4s, v7.4s, v31.4s"),
        (a => a.Fmax(0, 0, 7), "fmax v0.4s, v0.4s, v7.4s"),
        (a => a.Fmin(0, 0, 7), "fmin v0.4s, v0.4s, v7.4s"),
        (a => a.FmulElement(0, 1, 31, 3), "fmul v0.4s, v1.4s, v31.s[3]"),
        (a => a.FmlaElement(0, 1, 17, 2), "fmla v0.4s, v1.4s, v17.s[2]"),
        (a => a.Scvtf(8, 9), "scvtf v8.4s, v9.4s"),
        (a => a.AddVector(1, 2, 3, S4), "add v1.4s, v2.4s, v3.4s"),
        (a => a.DupElement(31, S4, 0, 0), "dup v31.4s, v0.s[0]"),
        (a => a.DupElement(2, B16, 3, 15), "dup v2.16b, v3.b[15]"),
        (a => a.DupGeneral(2, S4, 9), "dup v2.4s, w9"),
        (a => a.DupGeneral(2, D2, 9), "dup v2.2d, x9"),
        (a => a.Zip1(0, 16, 17, D2), "zip1 v0.2d, v16.2d, v17.2d"),
        (a => a.Zip2(1, 16, 17, D2), "zip2 v1.2d, v16.2d, v17.2d"),
        (a => a.Uzp1(0, 1, 2, S4), "uzp1 v0.4s, v1.4s, v2.4s"),
        (a => a.Uzp2(0, 1, 2, H8), "uzp2 v0.8h, v1.8h, v2.8h"),
        (a => a.Trn1(0, 1, 2, D2), "trn1 v0.2d, v1.2d, v2.2d"),
        (a => a.Trn2(0, 1, 2, B8), "trn2 v0.8b, v1.8b, v2.8b"),
        (a => a.Smmla(0, 1, 2), "smmla v0.4s, v1.16b, v2.16b"),
        (a => a.Ummla(16, 0, 4), "ummla v16.4s, v0.16b, v4.16b"),
        (a => a.Usmmla(31, 30, 29), "usmmla v31.4s, v30.16b, v29.16b"),
        (a => a.Bfmmla(0, 1, 2), "bfmmla v0.4s, v1.8h, v2.8h"),
        (a => a.Bfcvtn(16, 0), "bfcvtn v16.4h, v0.4s"),
        (a => a.Bfcvtn2(16, 1), "bfcvtn2 v16.8h, v1.4s"),
        (a => a.Sdot(0, 1, 2), "sdot v0.4s, v1.16b, v2.16b"),
        (a => a.Udot(0, 1, 2), "udot v0.4s, v1.16b, v2.16b"),
        (a => a.SdotElement(16, 4, 0, 0), "sdot v16.4s, v4.16b, v0.4b[0]"),
        (a => a.SdotElement(31, 5, 1, 3), "sdot v31.4s, v5.16b, v1.4b[3]"),
        (a => a.SdotElement(2, 3, 17, 2), "sdot v2.4s, v3.16b, v17.4b[2]"),
        (a => a.UdotElement(20, 6, 31, 1), "udot v20.4s, v6.16b, v31.4b[1]"),
    ];

    [Fact]
    public void EveryInstructionDisassemblesToWhatWasAskedFor()
    {
        A64Disassembler.SkipIfUnavailable();
        var a = new A64Assembler();
        foreach ((Action<A64Assembler> emit, _) in s_cases)
        {
            int before = a.Count;
            emit(a);
            Assert.Equal(before + 1, a.Count);
        }
        uint[] words = a.ToWords();
        IReadOnlyList<string> text = A64Disassembler.Disassemble(words);
        var mismatches = new List<string>();
        for (int i = 0; i < s_cases.Length; i++)
        {
            if (text[i] != s_cases[i].Expected)
                mismatches.Add($"word {words[i]:x8}: expected '{s_cases[i].Expected}', objdump says '{text[i]}'");
        }
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void MatrixAndDotInstructionsMatchTheArchitectureEncodings()
    {
        // base | Rd | Rn << 5 | Rm << 16, from the Arm ARM; v0 = v1 op v2 unless stated.
        static uint Enc(Action<A64Assembler> emit)
        {
            var a = new A64Assembler();
            emit(a);
            return a.ToWords()[0];
        }
        const uint Operands = 0u | (1u << 5) | (2u << 16);
        Assert.Equal(0x4E80A400u | Operands, Enc(a => a.Smmla(0, 1, 2)));
        Assert.Equal(0x4E82A420u, Enc(a => a.Smmla(0, 1, 2))); // the word verified by running it under QEMU
        Assert.Equal(0x6E80A400u | Operands, Enc(a => a.Ummla(0, 1, 2)));
        Assert.Equal(0x4E80AC00u | Operands, Enc(a => a.Usmmla(0, 1, 2)));
        Assert.Equal(0x6E40EC00u | Operands, Enc(a => a.Bfmmla(0, 1, 2)));
        Assert.Equal(0x6E42EC20u, Enc(a => a.Bfmmla(0, 1, 2)));
        Assert.Equal(0x0EA16800u | (1u << 5), Enc(a => a.Bfcvtn(0, 1)));
        Assert.Equal(0x4EA16800u | (1u << 5), Enc(a => a.Bfcvtn2(0, 1)));
        Assert.Equal(0x4E809400u | Operands, Enc(a => a.Sdot(0, 1, 2)));
        // SDOT by element: 0x4F80E000 | L << 21 | Rm << 16 | H << 11 | Rn << 5 | Rd, lane index = H:L.
        Assert.Equal(0x4F80E000u | Operands | (1u << 21) | (1u << 11), Enc(a => a.SdotElement(0, 1, 2, 3)));
        Assert.Equal(0x6F80E000u | Operands | (1u << 11), Enc(a => a.UdotElement(0, 1, 2, 2)));
        Assert.Equal(0xD65F03C0u, Enc(a => a.Ret()));
    }

    [Fact]
    public void BranchesResolveToTheirLabelsForwardAndBackward()
    {
        A64Disassembler.SkipIfUnavailable();
        var a = new A64Assembler();
        A64Label top = a.NewLabel(), done = a.NewLabel();
        a.Cbz(2, done);            // 0x00 -> 0x14
        a.Bind(top);
        a.SubsImm(2, 2, 1);        // 0x04
        a.BCond(A64Condition.Ne, top); // 0x08 -> 0x04
        a.Cbnz(3, top);            // 0x0c -> 0x04
        a.B(done);                 // 0x10 -> 0x14
        a.Bind(done);
        a.Ret();                   // 0x14
        IReadOnlyList<string> text = A64Disassembler.Disassemble(a.ToWords());
        Assert.Equal(["cbz x2, 0x14", "subs x2, x2, #0x1", "b.ne 0x4", "cbnz x3, 0x4", "b 0x14", "ret"], text);
    }

    [Fact]
    public void UnboundAndForeignLabelsAndBadOperandsAreRejected()
    {
        var a = new A64Assembler();
        A64Label never = a.NewLabel();
        a.B(never);
        Assert.Contains("never bound", Assert.Throws<InvalidOperationException>(() => a.ToWords()).Message);
        Assert.Throws<ArgumentException>(() => a.B(new A64Label(7)));
        A64Label once = a.NewLabel();
        a.Bind(once);
        Assert.Throws<InvalidOperationException>(() => a.Bind(once));
        Assert.Equal("imm", Assert.Throws<ArgumentOutOfRangeException>(() => a.AddImm(0, 0, 4097)).ParamName);
        Assert.Equal("imm", Assert.Throws<ArgumentOutOfRangeException>(() => a.LdrQ(0, 0, 8)).ParamName);
        Assert.Equal("imm", Assert.Throws<ArgumentOutOfRangeException>(() => a.LdrQPost(0, 0, 256)).ParamName);
        Assert.Equal("imm", Assert.Throws<ArgumentOutOfRangeException>(() => a.LdpQ(0, 1, 0, 1024)).ParamName);
        Assert.Equal("vd", Assert.Throws<ArgumentOutOfRangeException>(() => a.Smmla(32, 0, 0)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => a.Ld1(0, 5, A64Arrangement.S4, 0)).ParamName);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => a.DupElement(0, A64Arrangement.S4, 1, 4)).ParamName);
        Assert.Equal("t", Assert.Throws<ArgumentException>(() => a.Fadd(0, 1, 2, A64Arrangement.B16)).ParamName);
    }
}
