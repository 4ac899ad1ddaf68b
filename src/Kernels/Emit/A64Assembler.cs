namespace MlNetGraviton.Kernels.Emit;

/// <summary>
/// Encodes the few A64 instructions the emitted micro-kernels need into 32-bit words.
/// Registers are numbers 0..31: <c>x</c>/<c>w</c> general registers (31 = SP as a base address, XZR elsewhere)
/// and <c>v</c> vector registers. Methods are named after the mnemonic; a suffix names the fixed arrangement
/// or the addressing mode (<c>Post</c> = post-index write-back, <c>Pre</c> = pre-index).
/// Every encoding here is checked against binutils' disassembler in the tests.
/// </summary>
public sealed class A64Assembler
{
    private readonly List<uint> _words = [];
    private readonly List<int> _labels = [];
    private readonly List<(int At, int Label, BranchKind Kind)> _fixups = [];

    private enum BranchKind { Imm19, Imm26 }

    /// <summary>Number of instruction words emitted so far.</summary>
    public int Count => _words.Count;

    /// <summary>Appends a raw instruction word.</summary>
    public void Emit(uint word) => _words.Add(word);

    /// <summary>A new, unbound label.</summary>
    public A64Label NewLabel()
    {
        _labels.Add(-1);
        return new A64Label(_labels.Count - 1);
    }

    /// <summary>Binds <paramref name="label"/> to the next instruction.</summary>
    public void Bind(A64Label label)
    {
        CheckLabel(label);
        if (_labels[label.Id] >= 0)
            throw new InvalidOperationException($"Label {label.Id} is already bound (at word {_labels[label.Id]}).");
        _labels[label.Id] = _words.Count;
    }

    /// <summary>The finished code with every branch resolved.</summary>
    public uint[] ToWords()
    {
        uint[] words = [.. _words];
        foreach ((int at, int label, BranchKind kind) in _fixups)
        {
            int target = _labels[label];
            if (target < 0)
                throw new InvalidOperationException($"Label {label} is used by the branch at word {at} but never bound.");
            int delta = target - at;
            if (kind == BranchKind.Imm19)
            {
                if (delta < -(1 << 18) || delta >= 1 << 18)
                    throw new InvalidOperationException($"Branch at word {at} to {target} is out of the ±1 MiB range.");
                words[at] |= ((uint)delta & 0x7FFFF) << 5;
            }
            else
            {
                words[at] |= (uint)delta & 0x3FFFFFF;
            }
        }
        return words;
    }

    // ---- branches -------------------------------------------------------------------------------

    /// <summary>B.cond label.</summary>
    public void BCond(A64Condition cond, A64Label target) => Branch(0x54000000u | (uint)cond, target, BranchKind.Imm19);

    /// <summary>B label.</summary>
    public void B(A64Label target) => Branch(0x14000000u, target, BranchKind.Imm26);

    /// <summary>CBNZ Xt, label.</summary>
    public void Cbnz(int xt, A64Label target) => Branch(0xB5000000u | R(xt, nameof(xt)), target, BranchKind.Imm19);

    /// <summary>CBZ Xt, label.</summary>
    public void Cbz(int xt, A64Label target) => Branch(0xB4000000u | R(xt, nameof(xt)), target, BranchKind.Imm19);

    /// <summary>RET (to x30).</summary>
    public void Ret() => Emit(0xD65F03C0u);

    // ---- integer --------------------------------------------------------------------------------

    /// <summary>ADD Xd, Xn, #imm (0..4095, or a multiple of 4096 up to 4095 &lt;&lt; 12).</summary>
    public void AddImm(int xd, int xn, int imm) => Emit(0x91000000u | AddSubImm(imm) | Rn(xn) | R(xd, nameof(xd)));

    /// <summary>SUB Xd, Xn, #imm.</summary>
    public void SubImm(int xd, int xn, int imm) => Emit(0xD1000000u | AddSubImm(imm) | Rn(xn) | R(xd, nameof(xd)));

    /// <summary>SUBS Xd, Xn, #imm (sets the flags; loop counters).</summary>
    public void SubsImm(int xd, int xn, int imm) => Emit(0xF1000000u | AddSubImm(imm) | Rn(xn) | R(xd, nameof(xd)));

    /// <summary>ADD Xd, Xn, Xm, LSL #shift.</summary>
    public void AddReg(int xd, int xn, int xm, int lsl = 0) =>
        Emit(0x8B000000u | Rm(xm) | Field(lsl, 0, 63, 10, nameof(lsl)) | Rn(xn) | R(xd, nameof(xd)));

    /// <summary>SUB Xd, Xn, Xm, LSL #shift.</summary>
    public void SubReg(int xd, int xn, int xm, int lsl = 0) =>
        Emit(0xCB000000u | Rm(xm) | Field(lsl, 0, 63, 10, nameof(lsl)) | Rn(xn) | R(xd, nameof(xd)));

    /// <summary>MOV Xd, Xm (ORR Xd, XZR, Xm).</summary>
    public void MovReg(int xd, int xm) => Emit(0xAA0003E0u | Rm(xm) | R(xd, nameof(xd)));

    /// <summary>MOVZ Xd, #imm16.</summary>
    public void Movz(int xd, int imm16) => Emit(0xD2800000u | Field(imm16, 0, 0xFFFF, 5, nameof(imm16)) | R(xd, nameof(xd)));

    /// <summary>LDR Xt, [Xn, #imm] (imm a multiple of 8, 0..32760).</summary>
    public void LdrX(int xt, int xn, int imm = 0) => Emit(0xF9400000u | Scaled12(imm, 8) | Rn(xn) | R(xt, nameof(xt)));

    /// <summary>LDP Xt1, Xt2, [Xn, #imm] (imm a multiple of 8, -512..504).</summary>
    public void LdpX(int xt1, int xt2, int xn, int imm = 0) => Emit(0xA9400000u | Pair(xt1, xt2, xn, imm, 8));

    // ---- vector loads and stores ----------------------------------------------------------------

    /// <summary>LDR Qt, [Xn, #imm] (imm a multiple of 16, 0..65520).</summary>
    public void LdrQ(int vt, int xn, int imm = 0) => Emit(0x3DC00000u | Scaled12(imm, 16) | Rn(xn) | R(vt, nameof(vt)));

    /// <summary>STR Qt, [Xn, #imm].</summary>
    public void StrQ(int vt, int xn, int imm = 0) => Emit(0x3D800000u | Scaled12(imm, 16) | Rn(xn) | R(vt, nameof(vt)));

    /// <summary>LDR Qt, [Xn], #imm (post-index, -256..255).</summary>
    public void LdrQPost(int vt, int xn, int imm) => Emit(0x3CC00400u | Imm9(imm) | Rn(xn) | R(vt, nameof(vt)));

    /// <summary>STR Qt, [Xn], #imm (post-index).</summary>
    public void StrQPost(int vt, int xn, int imm) => Emit(0x3C800400u | Imm9(imm) | Rn(xn) | R(vt, nameof(vt)));

    /// <summary>LDR Dt, [Xn, #imm] (imm a multiple of 8).</summary>
    public void LdrD(int vt, int xn, int imm = 0) => Emit(0xFD400000u | Scaled12(imm, 8) | Rn(xn) | R(vt, nameof(vt)));

    /// <summary>STR Dt, [Xn, #imm].</summary>
    public void StrD(int vt, int xn, int imm = 0) => Emit(0xFD000000u | Scaled12(imm, 8) | Rn(xn) | R(vt, nameof(vt)));

    /// <summary>LDR St, [Xn, #imm] (imm a multiple of 4).</summary>
    public void LdrS(int vt, int xn, int imm = 0) => Emit(0xBD400000u | Scaled12(imm, 4) | Rn(xn) | R(vt, nameof(vt)));

    /// <summary>STR St, [Xn, #imm].</summary>
    public void StrS(int vt, int xn, int imm = 0) => Emit(0xBD000000u | Scaled12(imm, 4) | Rn(xn) | R(vt, nameof(vt)));

    /// <summary>LDP Qt1, Qt2, [Xn, #imm] (imm a multiple of 16, -1024..1008).</summary>
    public void LdpQ(int vt1, int vt2, int xn, int imm = 0) => Emit(0xAD400000u | Pair(vt1, vt2, xn, imm, 16));

    /// <summary>LDP Qt1, Qt2, [Xn], #imm (post-index).</summary>
    public void LdpQPost(int vt1, int vt2, int xn, int imm) => Emit(0xACC00000u | Pair(vt1, vt2, xn, imm, 16));

    /// <summary>STP Qt1, Qt2, [Xn, #imm].</summary>
    public void StpQ(int vt1, int vt2, int xn, int imm = 0) => Emit(0xAD000000u | Pair(vt1, vt2, xn, imm, 16));

    /// <summary>STP Qt1, Qt2, [Xn], #imm (post-index).</summary>
    public void StpQPost(int vt1, int vt2, int xn, int imm) => Emit(0xAC800000u | Pair(vt1, vt2, xn, imm, 16));

    /// <summary>STP Dt1, Dt2, [Xn, #imm]! (pre-index; saving callee-saved d8..d15).</summary>
    public void StpDPre(int vt1, int vt2, int xn, int imm) => Emit(0x6D800000u | Pair(vt1, vt2, xn, imm, 8));

    /// <summary>LDP Dt1, Dt2, [Xn], #imm (post-index; restoring callee-saved d8..d15).</summary>
    public void LdpDPost(int vt1, int vt2, int xn, int imm) => Emit(0x6CC00000u | Pair(vt1, vt2, xn, imm, 8));

    /// <summary>LD1 {Vt.T - V(t+count-1).T}, [Xn] (1 to 4 consecutive registers).</summary>
    public void Ld1(int vt, int count, A64Arrangement t, int xn) => Emit(0x0C400000u | Multiple(vt, count, t, xn));

    /// <summary>LD1 {Vt.T - ...}, [Xn], #(16·count or 8·count) (post-index by the bytes loaded).</summary>
    public void Ld1Post(int vt, int count, A64Arrangement t, int xn) => Emit(0x0CDF0000u | Multiple(vt, count, t, xn));

    /// <summary>ST1 {Vt.T - ...}, [Xn].</summary>
    public void St1(int vt, int count, A64Arrangement t, int xn) => Emit(0x0C000000u | Multiple(vt, count, t, xn));

    /// <summary>ST1 {Vt.T - ...}, [Xn], #bytes (post-index).</summary>
    public void St1Post(int vt, int count, A64Arrangement t, int xn) => Emit(0x0C9F0000u | Multiple(vt, count, t, xn));

    /// <summary>LD1R {Vt.T}, [Xn]: loads one element and replicates it to every lane.</summary>
    public void Ld1R(int vt, A64Arrangement t, int xn) => Emit(0x0D40C000u | (t.Q() << 30) | (t.Size() << 10) | Rn(xn) | R(vt, nameof(vt)));

    // ---- vector arithmetic ----------------------------------------------------------------------

    /// <summary>MOVI Vd.2D, #0 (zeroes the whole register).</summary>
    public void MoviZero(int vd) => Emit(0x6F00E400u | R(vd, nameof(vd)));

    /// <summary>MOV Vd.16B, Vn.16B (ORR Vd, Vn, Vn).</summary>
    public void MovVector(int vd, int vn) => Emit(0x4EA01C00u | Rm(vn) | Rn(vn) | R(vd, nameof(vd)));

    /// <summary>FADD Vd.T, Vn.T, Vm.T (T = 2S, 4S or 2D).</summary>
    public void Fadd(int vd, int vn, int vm, A64Arrangement t = A64Arrangement.S4) => Emit(0x0E20D400u | FloatThree(vd, vn, vm, t));

    /// <summary>FMUL Vd.T, Vn.T, Vm.T.</summary>
    public void Fmul(int vd, int vn, int vm, A64Arrangement t = A64Arrangement.S4) => Emit(0x2E20DC00u | FloatThree(vd, vn, vm, t));

    /// <summary>FMLA Vd.T, Vn.T, Vm.T (Vd += Vn·Vm, fused).</summary>
    public void Fmla(int vd, int vn, int vm, A64Arrangement t = A64Arrangement.S4) => Emit(0x0E20CC00u | FloatThree(vd, vn, vm, t));

    /// <summary>FMAX Vd.T, Vn.T, Vm.T.</summary>
    public void Fmax(int vd, int vn, int vm, A64Arrangement t = A64Arrangement.S4) => Emit(0x0E20F400u | FloatThree(vd, vn, vm, t));

    /// <summary>FMIN Vd.T, Vn.T, Vm.T.</summary>
    public void Fmin(int vd, int vn, int vm, A64Arrangement t = A64Arrangement.S4) => Emit(0x0EA0F400u | FloatThree(vd, vn, vm, t));

    /// <summary>FMUL Vd.4S, Vn.4S, Vm.S[index].</summary>
    public void FmulElement(int vd, int vn, int vm, int index) => Emit(0x4F809000u | ByElementS(vd, vn, vm, index));

    /// <summary>FMLA Vd.4S, Vn.4S, Vm.S[index].</summary>
    public void FmlaElement(int vd, int vn, int vm, int index) => Emit(0x4F801000u | ByElementS(vd, vn, vm, index));

    /// <summary>SCVTF Vd.T, Vn.T (signed integer lanes to float; T = 2S, 4S or 2D).</summary>
    public void Scvtf(int vd, int vn, A64Arrangement t = A64Arrangement.S4) => Emit(0x0E21D800u | FloatThree(vd, vn, 0, t));

    /// <summary>ADD Vd.T, Vn.T, Vm.T (integer lanes).</summary>
    public void AddVector(int vd, int vn, int vm, A64Arrangement t) =>
        Emit(0x0E208400u | (t.Q() << 30) | (t.Size() << 22) | Rm(vm) | Rn(vn) | R(vd, nameof(vd)));

    /// <summary>DUP Vd.T, Vn.Ts[index] (broadcast one lane).</summary>
    public void DupElement(int vd, A64Arrangement t, int vn, int index)
    {
        uint size = t.Size();
        int lanes = 16 >> (int)size;
        if (index < 0 || index >= lanes)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Lane index must be 0..{lanes - 1} for {t}.");
        uint imm5 = ((uint)index << (int)(size + 1)) | (1u << (int)size);
        Emit(0x0E000400u | (t.Q() << 30) | (imm5 << 16) | Rn(vn) | R(vd, nameof(vd)));
    }

    /// <summary>DUP Vd.T, Wn/Xn (broadcast a general register).</summary>
    public void DupGeneral(int vd, A64Arrangement t, int rn)
    {
        uint size = t.Size();
        Emit(0x0E000C00u | (t.Q() << 30) | ((1u << (int)size) << 16) | Rn(rn) | R(vd, nameof(vd)));
    }

    /// <summary>ZIP1 Vd.T, Vn.T, Vm.T.</summary>
    public void Zip1(int vd, int vn, int vm, A64Arrangement t) => Emit(Permute(0b011, vd, vn, vm, t));

    /// <summary>ZIP2 Vd.T, Vn.T, Vm.T.</summary>
    public void Zip2(int vd, int vn, int vm, A64Arrangement t) => Emit(Permute(0b111, vd, vn, vm, t));

    /// <summary>UZP1 Vd.T, Vn.T, Vm.T.</summary>
    public void Uzp1(int vd, int vn, int vm, A64Arrangement t) => Emit(Permute(0b001, vd, vn, vm, t));

    /// <summary>UZP2 Vd.T, Vn.T, Vm.T.</summary>
    public void Uzp2(int vd, int vn, int vm, A64Arrangement t) => Emit(Permute(0b101, vd, vn, vm, t));

    /// <summary>TRN1 Vd.T, Vn.T, Vm.T.</summary>
    public void Trn1(int vd, int vn, int vm, A64Arrangement t) => Emit(Permute(0b010, vd, vn, vm, t));

    /// <summary>TRN2 Vd.T, Vn.T, Vm.T.</summary>
    public void Trn2(int vd, int vn, int vm, A64Arrangement t) => Emit(Permute(0b110, vd, vn, vm, t));

    // ---- matrix multiply, dot product, bf16 conversion (no .NET intrinsics exist for the first group) --

    /// <summary>SMMLA Vd.4S, Vn.16B, Vm.16B: Vd(2×2 i32) += Vn(2×8 s8) · Vm(2×8 s8)ᵀ (FEAT_I8MM).</summary>
    public void Smmla(int vd, int vn, int vm) => Emit(0x4E80A400u | Three(vd, vn, vm));

    /// <summary>UMMLA Vd.4S, Vn.16B, Vm.16B: unsigned × unsigned (FEAT_I8MM).</summary>
    public void Ummla(int vd, int vn, int vm) => Emit(0x6E80A400u | Three(vd, vn, vm));

    /// <summary>USMMLA Vd.4S, Vn.16B, Vm.16B: Vn unsigned × Vm signed (FEAT_I8MM).</summary>
    public void Usmmla(int vd, int vn, int vm) => Emit(0x4E80AC00u | Three(vd, vn, vm));

    /// <summary>BFMMLA Vd.4S, Vn.8H, Vm.8H: Vd(2×2 f32) += Vn(2×4 bf16) · Vm(2×4 bf16)ᵀ (FEAT_BF16).</summary>
    public void Bfmmla(int vd, int vn, int vm) => Emit(0x6E40EC00u | Three(vd, vn, vm));

    /// <summary>BFCVTN Vd.4H, Vn.4S: four f32 to bf16 in the low half, upper half zeroed (FEAT_BF16).</summary>
    public void Bfcvtn(int vd, int vn) => Emit(0x0EA16800u | Rn(vn) | R(vd, nameof(vd)));

    /// <summary>BFCVTN2 Vd.8H, Vn.4S: four f32 to bf16 in the high half, low half kept (FEAT_BF16).</summary>
    public void Bfcvtn2(int vd, int vn) => Emit(0x4EA16800u | Rn(vn) | R(vd, nameof(vd)));

    /// <summary>SDOT Vd.4S, Vn.16B, Vm.16B (FEAT_DotProd).</summary>
    public void Sdot(int vd, int vn, int vm) => Emit(0x4E809400u | Three(vd, vn, vm));

    /// <summary>UDOT Vd.4S, Vn.16B, Vm.16B (FEAT_DotProd).</summary>
    public void Udot(int vd, int vn, int vm) => Emit(0x6E809400u | Three(vd, vn, vm));

    /// <summary>SDOT Vd.4S, Vn.16B, Vm.4B[index]: each lane of Vd += the dot product of Vn's 4 bytes with Vm's 4-byte group <paramref name="index"/> (FEAT_DotProd).</summary>
    public void SdotElement(int vd, int vn, int vm, int index) => Emit(0x4F80E000u | ByElementS(vd, vn, vm, index));

    /// <summary>UDOT Vd.4S, Vn.16B, Vm.4B[index] (FEAT_DotProd).</summary>
    public void UdotElement(int vd, int vn, int vm, int index) => Emit(0x6F80E000u | ByElementS(vd, vn, vm, index));

    // ---- field helpers --------------------------------------------------------------------------

    private void Branch(uint word, A64Label target, BranchKind kind)
    {
        CheckLabel(target);
        _fixups.Add((_words.Count, target.Id, kind));
        _words.Add(word);
    }

    private void CheckLabel(A64Label label)
    {
        if (label.Id < 0 || label.Id >= _labels.Count)
            throw new ArgumentException($"Label {label.Id} does not belong to this assembler ({_labels.Count} labels).", nameof(label));
    }

    private static uint R(int reg, string name)
    {
        if ((uint)reg > 31)
            throw new ArgumentOutOfRangeException(name, reg, "Register numbers are 0..31.");
        return (uint)reg;
    }

    private static uint Rn(int reg) => R(reg, "n") << 5;

    private static uint Rm(int reg) => R(reg, "m") << 16;

    private static uint Three(int vd, int vn, int vm) => Rm(vm) | Rn(vn) | R(vd, nameof(vd));

    private static uint Field(int value, int min, int max, int shift, string name)
    {
        if (value < min || value > max)
            throw new ArgumentOutOfRangeException(name, value, $"Must be in {min}..{max}.");
        return (uint)value << shift;
    }

    private static uint AddSubImm(int imm)
    {
        if (imm is >= 0 and <= 4095)
            return (uint)imm << 10;
        if ((imm & 0xFFF) == 0 && imm >> 12 is > 0 and <= 4095)
            return (1u << 22) | ((uint)(imm >> 12) << 10);
        throw new ArgumentOutOfRangeException(nameof(imm), imm, "ADD/SUB immediates are 0..4095, optionally shifted left by 12.");
    }

    private static uint Scaled12(int imm, int scale)
    {
        if (imm < 0 || imm % scale != 0 || imm / scale > 4095)
            throw new ArgumentOutOfRangeException(nameof(imm), imm, $"Offset must be a multiple of {scale} in 0..{4095 * scale}.");
        return (uint)(imm / scale) << 10;
    }

    private static uint Imm9(int imm)
    {
        if (imm is < -256 or > 255)
            throw new ArgumentOutOfRangeException(nameof(imm), imm, "Post/pre-index offsets are -256..255.");
        return ((uint)imm & 0x1FF) << 12;
    }

    private static uint Pair(int rt1, int rt2, int rn, int imm, int scale)
    {
        if (imm % scale != 0 || imm / scale < -64 || imm / scale > 63)
            throw new ArgumentOutOfRangeException(nameof(imm), imm, $"Pair offsets are multiples of {scale} in {-64 * scale}..{63 * scale}.");
        return (((uint)(imm / scale) & 0x7F) << 15) | (R(rt2, nameof(rt2)) << 10) | Rn(rn) | R(rt1, nameof(rt1));
    }

    private static uint Multiple(int vt, int count, A64Arrangement t, int xn)
    {
        uint opcode = count switch
        {
            1 => 0b0111u,
            2 => 0b1010u,
            3 => 0b0110u,
            4 => 0b0010u,
            _ => throw new ArgumentOutOfRangeException(nameof(count), count, "LD1/ST1 take 1 to 4 registers."),
        };
        return (t.Q() << 30) | (opcode << 12) | (t.Size() << 10) | Rn(xn) | R(vt, nameof(vt));
    }

    private static uint FloatThree(int vd, int vn, int vm, A64Arrangement t)
    {
        uint sz = t switch
        {
            A64Arrangement.S2 or A64Arrangement.S4 => 0u,
            A64Arrangement.D2 => 1u,
            _ => throw new ArgumentException($"Floating-point vector ops take 2S, 4S or 2D, not {t}.", nameof(t)),
        };
        return (t.Q() << 30) | (sz << 22) | Rm(vm) | Rn(vn) | R(vd, nameof(vd));
    }

    private static uint ByElementS(int vd, int vn, int vm, int index)
    {
        if ((uint)index > 3)
            throw new ArgumentOutOfRangeException(nameof(index), index, "S lane index is 0..3.");
        return (((uint)index & 1) << 21) | (((uint)index >> 1) << 11) | Rm(vm) | Rn(vn) | R(vd, nameof(vd));
    }

    private static uint Permute(uint opc, int vd, int vn, int vm, A64Arrangement t) =>
        0x0E000800u | (t.Q() << 30) | (t.Size() << 22) | Rm(vm) | (opc << 12) | Rn(vn) | R(vd, nameof(vd));
}
