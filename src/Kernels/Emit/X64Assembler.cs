namespace MlNetGraviton.Kernels.Emit;

/// <summary>
/// Encodes the few x86-64 instructions the emitted micro-kernels need: 64-bit general-register arithmetic and
/// branches (REX), and 512-bit AVX-512 vector instructions (EVEX) that .NET 10 has no intrinsics for on CPUs without
/// AVX10 (VPDPBUSD zmm, VDPBF16PS, VCVTNE2PS2BF16) plus the loads, stores and FMAs around them.
/// Registers are numbers: general 0..15 (<see cref="X64Reg"/>), zmm 0..31. A memory operand is an <see cref="X64Mem"/>;
/// an EVEX operand with <c>broadcast</c> reads one 32-bit element and repeats it ({1to16}).
/// Every encoding here is checked against binutils' disassembler in the tests.
/// </summary>
/// <remarks>
/// EVEX (Intel SDM vol. 2, 2.7): 62, P0 = R̄ X̄ B̄ R̄' 0 0 m m, P1 = W v̄v̄v̄v̄ 1 p p, P2 = z L'L b V̄' a a a, then opcode,
/// ModRM, SIB, displacement. An 8-bit displacement is scaled by the operand's size N (64 for a full zmm, 4 for a
/// broadcast or scalar element): "disp8*N" compression, used whenever the displacement is a multiple of N in range.
/// </remarks>
public sealed class X64Assembler
{
    private readonly List<byte> _code = [];
    private readonly List<int> _labels = [];
    private readonly List<(int At, int Label)> _fixups = []; // rel32 fields, relative to the end of the field

    // EVEX opcode maps and SIMD prefixes.
    private const int Map0F = 1, Map0F38 = 2;
    private const int PpNone = 0, Pp66 = 1, PpF3 = 2, PpF2 = 3;

    /// <summary>Bytes emitted so far.</summary>
    public int Count => _code.Count;

    /// <summary>A new, unbound label.</summary>
    public X64Label NewLabel()
    {
        _labels.Add(-1);
        return new X64Label(_labels.Count - 1);
    }

    /// <summary>Binds <paramref name="label"/> to the next instruction.</summary>
    public void Bind(X64Label label)
    {
        CheckLabel(label);
        if (_labels[label.Id] >= 0)
            throw new InvalidOperationException($"Label {label.Id} is already bound (at byte {_labels[label.Id]}).");
        _labels[label.Id] = _code.Count;
    }

    /// <summary>The finished code with every branch resolved.</summary>
    public byte[] ToBytes()
    {
        byte[] code = [.. _code];
        foreach ((int at, int label) in _fixups)
        {
            int target = _labels[label];
            if (target < 0)
                throw new InvalidOperationException($"Label {label} is used by the branch at byte {at} but never bound.");
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(code.AsSpan(at), target - (at + 4));
        }
        return code;
    }

    // ---- general registers and control flow -----------------------------------------------------------

    /// <summary>RET.</summary>
    public void Ret() => _code.Add(0xC3);

    /// <summary>VZEROUPPER: leaves the upper halves clean for the caller's SSE/AVX code.</summary>
    public void Vzeroupper() => _code.AddRange([0xC5, 0xF8, 0x77]);

    /// <summary>PUSH r64.</summary>
    public void Push(int reg)
    {
        CheckGpr(reg, nameof(reg));
        if (reg >= 8)
            _code.Add(0x41);
        _code.Add((byte)(0x50 + (reg & 7)));
    }

    /// <summary>POP r64.</summary>
    public void Pop(int reg)
    {
        CheckGpr(reg, nameof(reg));
        if (reg >= 8)
            _code.Add(0x41);
        _code.Add((byte)(0x58 + (reg & 7)));
    }

    /// <summary>MOV dst, src (64-bit).</summary>
    public void Mov(int dst, int src) => RegReg(0x89, src, dst);

    /// <summary>ADD dst, src (64-bit).</summary>
    public void Add(int dst, int src) => RegReg(0x01, src, dst);

    /// <summary>SUB dst, src (64-bit).</summary>
    public void Sub(int dst, int src) => RegReg(0x29, src, dst);

    /// <summary>TEST a, b (64-bit).</summary>
    public void Test(int a, int b) => RegReg(0x85, b, a);

    /// <summary>ADD dst, imm (64-bit, imm sign-extended from 8 or 32 bits).</summary>
    public void AddImm(int dst, int imm) => ImmOp(0, dst, imm);

    /// <summary>SUB dst, imm (64-bit).</summary>
    public void SubImm(int dst, int imm) => ImmOp(5, dst, imm);

    /// <summary>CMP dst, imm (64-bit).</summary>
    public void CmpImm(int dst, int imm) => ImmOp(7, dst, imm);

    /// <summary>DEC r64.</summary>
    public void Dec(int reg)
    {
        CheckGpr(reg, nameof(reg));
        Rex(true, 0, 0, reg);
        _code.Add(0xFF);
        _code.Add((byte)(0xC0 | (1 << 3) | (reg & 7)));
    }

    /// <summary>LEA dst, mem (64-bit).</summary>
    public void Lea(int dst, X64Mem mem)
    {
        CheckGpr(dst, nameof(dst));
        CheckMem(mem);
        Rex(true, dst, mem.Index < 0 ? 0 : mem.Index, mem.Base);
        _code.Add(0x8D);
        ModRmMem(dst, mem, 1);
    }

    /// <summary>MOV dst, qword [mem].</summary>
    public void Load(int dst, X64Mem mem)
    {
        CheckGpr(dst, nameof(dst));
        CheckMem(mem);
        Rex(true, dst, mem.Index < 0 ? 0 : mem.Index, mem.Base);
        _code.Add(0x8B);
        ModRmMem(dst, mem, 1);
    }

    /// <summary>PREFETCHT0 [mem].</summary>
    public void Prefetcht0(X64Mem mem) => Prefetch(1, mem);

    /// <summary>PREFETCHT1 [mem].</summary>
    public void Prefetcht1(X64Mem mem) => Prefetch(2, mem);

    /// <summary>JNZ label (rel32).</summary>
    public void Jnz(X64Label target) => Jcc(0x85, target);

    /// <summary>JZ label (rel32).</summary>
    public void Jz(X64Label target) => Jcc(0x84, target);

    /// <summary>JG label (signed greater, rel32).</summary>
    public void Jg(X64Label target) => Jcc(0x8F, target);

    /// <summary>JMP label (rel32).</summary>
    public void Jmp(X64Label target)
    {
        CheckLabel(target);
        _code.Add(0xE9);
        AddFixup(target);
    }

    // ---- AVX-512 (EVEX, 512-bit) ----------------------------------------------------------------------

    /// <summary>VMOVUPS zmm, zmmword [mem].</summary>
    public void VmovupsLoad(int zmm, X64Mem mem) => EvexMem(Map0F, PpNone, 0x10, zmm, 0, mem, false, 64);

    /// <summary>VMOVUPS zmmword [mem], zmm.</summary>
    public void VmovupsStore(X64Mem mem, int zmm) => EvexMem(Map0F, PpNone, 0x11, zmm, 0, mem, false, 64);

    /// <summary>VMOVUPS ymmword [mem], ymm (the 256-bit EVEX form: registers 16..31 reachable).</summary>
    public void VmovupsStoreYmm(X64Mem mem, int ymm) => EvexMem(Map0F, PpNone, 0x11, ymm, 0, mem, false, 32, lengthBits: 1);

    /// <summary>VBROADCASTSS zmm, dword [mem].</summary>
    public void Vbroadcastss(int zmm, X64Mem mem) => EvexMem(Map0F38, Pp66, 0x18, zmm, 0, mem, false, 4);

    /// <summary>VPBROADCASTD zmm, dword [mem].</summary>
    public void Vpbroadcastd(int zmm, X64Mem mem) => EvexMem(Map0F38, Pp66, 0x58, zmm, 0, mem, false, 4);

    /// <summary>VPXORD dst, a, b (zeroes dst when a = b = dst).</summary>
    public void Vpxord(int dst, int a, int b) => EvexReg(Map0F, Pp66, 0xEF, dst, a, b);

    /// <summary>VADDPS dst, a, b.</summary>
    public void Vaddps(int dst, int a, int b) => EvexReg(Map0F, PpNone, 0x58, dst, a, b);

    /// <summary>VADDPS dst, a, [mem] (or {1to16}).</summary>
    public void Vaddps(int dst, int a, X64Mem b, bool broadcast = false) => EvexMem(Map0F, PpNone, 0x58, dst, a, b, broadcast, 64);

    /// <summary>VMULPS dst, a, b.</summary>
    public void Vmulps(int dst, int a, int b) => EvexReg(Map0F, PpNone, 0x59, dst, a, b);

    /// <summary>VPADDD dst, a, b.</summary>
    public void Vpaddd(int dst, int a, int b) => EvexReg(Map0F, Pp66, 0xFE, dst, a, b);

    /// <summary>VCVTDQ2PS dst, src (int32 to fp32).</summary>
    public void Vcvtdq2ps(int dst, int src) => EvexReg(Map0F, PpNone, 0x5B, dst, 0, src);

    /// <summary>VFMADD231PS dst, a, b: dst += a·b.</summary>
    public void Vfmadd231ps(int dst, int a, int b) => EvexReg(Map0F38, Pp66, 0xB8, dst, a, b);

    /// <summary>VFMADD231PS dst, a, [mem] (or {1to16}).</summary>
    public void Vfmadd231ps(int dst, int a, X64Mem b, bool broadcast = false) => EvexMem(Map0F38, Pp66, 0xB8, dst, a, b, broadcast, 64);

    /// <summary>VPDPBUSD dst, a, b (AVX512-VNNI): each int32 lane += Σ₄ u8(a)·s8(b), exact (no saturation).</summary>
    public void Vpdpbusd(int dst, int a, int b) => EvexReg(Map0F38, Pp66, 0x50, dst, a, b);

    /// <summary>VPDPBUSD dst, a, [mem] (or {1to16}): the memory operand is the signed byte side.</summary>
    public void Vpdpbusd(int dst, int a, X64Mem b, bool broadcast = false) => EvexMem(Map0F38, Pp66, 0x50, dst, a, b, broadcast, 64);

    /// <summary>VDPBF16PS dst, a, b (AVX512-BF16): each fp32 lane += a.lo·b.lo + a.hi·b.hi over bf16 pairs.</summary>
    public void Vdpbf16ps(int dst, int a, int b) => EvexReg(Map0F38, PpF3, 0x52, dst, a, b);

    /// <summary>VDPBF16PS dst, a, [mem] (or {1to16}: one bf16 pair for every lane).</summary>
    public void Vdpbf16ps(int dst, int a, X64Mem b, bool broadcast = false) => EvexMem(Map0F38, PpF3, 0x52, dst, a, b, broadcast, 64);

    /// <summary>
    /// VCVTNE2PS2BF16 dst, a, b (AVX512-BF16): 32 bf16, round-to-nearest-even; the low 16 come from b, the high 16 from a.
    /// </summary>
    public void Vcvtne2ps2bf16(int dst, int a, int b) => EvexReg(Map0F38, PpF2, 0x72, dst, a, b);

    /// <summary>VCVTNEPS2BF16 ymm dst, zmm src (AVX512-BF16): 16 bf16, round-to-nearest-even.</summary>
    public void Vcvtneps2bf16(int dstYmm, int src) => EvexReg(Map0F38, PpF3, 0x72, dstYmm, 0, src);

    // ---- AVX-512 integer and float ops of the fused int8 epilogue (memory forms read per-column vectors) ----

    /// <summary>VPADDD dst, a, [mem] (or {1to16}).</summary>
    public void Vpaddd(int dst, int a, X64Mem b, bool broadcast = false) => EvexMem(Map0F, Pp66, 0xFE, dst, a, b, broadcast, 64);

    /// <summary>VPSUBD dst, a, b: dst = a − b.</summary>
    public void Vpsubd(int dst, int a, int b) => EvexReg(Map0F, Pp66, 0xFA, dst, a, b);

    /// <summary>VPSUBD dst, a, [mem] (or {1to16}): dst = a − [mem].</summary>
    public void Vpsubd(int dst, int a, X64Mem b, bool broadcast = false) => EvexMem(Map0F, Pp66, 0xFA, dst, a, b, broadcast, 64);

    /// <summary>VPMULLD dst, a, b: the low 32 bits of each lane's product (wrapping, like unchecked C#).</summary>
    public void Vpmulld(int dst, int a, int b) => EvexReg(Map0F38, Pp66, 0x40, dst, a, b);

    /// <summary>VPMULLD dst, a, [mem] (or {1to16}).</summary>
    public void Vpmulld(int dst, int a, X64Mem b, bool broadcast = false) => EvexMem(Map0F38, Pp66, 0x40, dst, a, b, broadcast, 64);

    /// <summary>VMULPS dst, a, [mem] (or {1to16}).</summary>
    public void Vmulps(int dst, int a, X64Mem b, bool broadcast = false) => EvexMem(Map0F, PpNone, 0x59, dst, a, b, broadcast, 64);

    // ---- encoding helpers -----------------------------------------------------------------------------

    private void Jcc(byte opcode, X64Label target)
    {
        CheckLabel(target);
        _code.Add(0x0F);
        _code.Add(opcode);
        AddFixup(target);
    }

    private void AddFixup(X64Label target)
    {
        _fixups.Add((_code.Count, target.Id));
        _code.AddRange([0, 0, 0, 0]);
    }

    private void Prefetch(int hint, X64Mem mem)
    {
        CheckMem(mem);
        if (mem.Base >= 8 || mem.Index >= 8)
            Rex(false, 0, mem.Index < 0 ? 0 : mem.Index, mem.Base);
        _code.Add(0x0F);
        _code.Add(0x18);
        ModRmMem(hint, mem, 1);
    }

    private void RegReg(byte opcode, int reg, int rm)
    {
        CheckGpr(reg, nameof(reg));
        CheckGpr(rm, nameof(rm));
        Rex(true, reg, 0, rm);
        _code.Add(opcode);
        _code.Add((byte)(0xC0 | ((reg & 7) << 3) | (rm & 7)));
    }

    private void ImmOp(int ext, int dst, int imm)
    {
        CheckGpr(dst, nameof(dst));
        Rex(true, 0, 0, dst);
        bool small = imm is >= sbyte.MinValue and <= sbyte.MaxValue;
        _code.Add(small ? (byte)0x83 : (byte)0x81);
        _code.Add((byte)(0xC0 | (ext << 3) | (dst & 7)));
        if (small)
            _code.Add((byte)(sbyte)imm);
        else
            AddInt32(imm);
    }

    private void Rex(bool w, int reg, int index, int rm)
    {
        int rex = 0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 | ((index >> 3) & 1) << 1 | ((rm >> 3) & 1);
        if (rex != 0x40)
            _code.Add((byte)rex);
    }

    private void EvexReg(int map, int pp, byte opcode, int dst, int src1, int src2)
    {
        CheckZmm(dst, nameof(dst));
        CheckZmm(src1, nameof(src1));
        CheckZmm(src2, nameof(src2));
        // rm = src2 (a vector register): B̄ carries its bit 3, X̄ its bit 4.
        Evex(map, pp, dst, src1, rmBit3: (src2 >> 3) & 1, xBit: (src2 >> 4) & 1, broadcast: false, lengthBits: 2);
        _code.Add(opcode);
        _code.Add((byte)(0xC0 | ((dst & 7) << 3) | (src2 & 7)));
    }

    private void EvexMem(int map, int pp, byte opcode, int reg, int src1, X64Mem mem, bool broadcast, int fullBytes, int lengthBits = 2)
    {
        CheckZmm(reg, nameof(reg));
        CheckZmm(src1, nameof(src1));
        CheckMem(mem);
        int index = mem.Index < 0 ? 0 : mem.Index;
        Evex(map, pp, reg, src1, rmBit3: (mem.Base >> 3) & 1, xBit: (index >> 3) & 1, broadcast, lengthBits);
        _code.Add(opcode);
        ModRmMem(reg, mem, broadcast ? 4 : fullBytes);
    }

    private void Evex(int map, int pp, int reg, int vvvv, int rmBit3, int xBit, bool broadcast, int lengthBits)
    {
        int p0 = ((~reg >> 3) & 1) << 7 | ((~xBit) & 1) << 6 | ((~rmBit3) & 1) << 5 | ((~reg >> 4) & 1) << 4 | map;
        int p1 = /* W0 */ ((~vvvv) & 15) << 3 | 1 << 2 | pp;
        int p2 = lengthBits << 5 | (broadcast ? 1 : 0) << 4 | ((~vvvv >> 4) & 1) << 3;
        _code.Add(0x62);
        _code.Add((byte)p0);
        _code.Add((byte)p1);
        _code.Add((byte)p2);
    }

    /// <summary>ModRM (+ SIB + displacement) for a memory operand; <paramref name="scale"/> is the disp8 unit (1 without EVEX).</summary>
    private void ModRmMem(int reg, X64Mem mem, int scale)
    {
        int baseLow = mem.Base & 7;
        bool needsSib = mem.Index >= 0 || baseLow == 4;
        int mod;
        if (mem.Disp == 0 && baseLow != 5)
            mod = 0;
        else if (mem.Disp % scale == 0 && mem.Disp / scale is >= sbyte.MinValue and <= sbyte.MaxValue)
            mod = 1;
        else
            mod = 2;
        _code.Add((byte)(mod << 6 | (reg & 7) << 3 | (needsSib ? 4 : baseLow)));
        if (needsSib)
        {
            int ss = mem.Scale switch { 1 => 0, 2 => 1, 4 => 2, 8 => 3, _ => throw new ArgumentException($"Scale {mem.Scale} is not 1, 2, 4 or 8.") };
            int index = mem.Index < 0 ? 4 : mem.Index & 7; // 4 without REX.X = no index
            _code.Add((byte)(ss << 6 | index << 3 | baseLow));
        }
        if (mod == 1)
            _code.Add((byte)(sbyte)(mem.Disp / scale));
        else if (mod == 2)
            AddInt32(mem.Disp);
    }

    private void AddInt32(int value)
    {
        _code.Add((byte)value);
        _code.Add((byte)(value >> 8));
        _code.Add((byte)(value >> 16));
        _code.Add((byte)(value >> 24));
    }

    private void CheckLabel(X64Label label)
    {
        if ((uint)label.Id >= (uint)_labels.Count)
            throw new ArgumentException($"Label {label.Id} does not belong to this assembler.", nameof(label));
    }

    private static void CheckGpr(int reg, string name)
    {
        if ((uint)reg > 15)
            throw new ArgumentOutOfRangeException(name, reg, "General registers are 0..15.");
    }

    private static void CheckZmm(int reg, string name)
    {
        if ((uint)reg > 31)
            throw new ArgumentOutOfRangeException(name, reg, "Vector registers are 0..31.");
    }

    private static void CheckMem(X64Mem mem)
    {
        CheckGpr(mem.Base, "mem.Base");
        if (mem.Index >= 0)
        {
            CheckGpr(mem.Index, "mem.Index");
            if (mem.Index == X64Reg.Rsp)
                throw new ArgumentException("rsp cannot be an index register.");
        }
    }
}

/// <summary>A branch target inside one <see cref="X64Assembler"/>.</summary>
public readonly record struct X64Label(int Id);

/// <summary>A memory operand [base + index·scale + disp]; <see cref="Index"/> −1 means none.</summary>
public readonly record struct X64Mem(int Base, int Index = -1, int Scale = 1, int Disp = 0)
{
    /// <summary>[base + disp].</summary>
    public static X64Mem At(int baseReg, int disp = 0) => new(baseReg, -1, 1, disp);
}

/// <summary>General register numbers and the System V AMD64 argument registers.</summary>
public static class X64Reg
{
    public const int Rax = 0, Rcx = 1, Rdx = 2, Rbx = 3, Rsp = 4, Rbp = 5, Rsi = 6, Rdi = 7;
    public const int R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;

    /// <summary>Integer/pointer arguments 1..6 in the System V AMD64 ABI (Linux).</summary>
    public static readonly int[] Arguments = [Rdi, Rsi, Rdx, Rcx, R8, R9];
}
