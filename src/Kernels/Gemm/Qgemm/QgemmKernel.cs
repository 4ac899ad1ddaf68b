namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// The contract every int8 GEMM micro-kernel family meets (x86 AVX2/VNNI, Arm64 NEON/SDOT, emitted MMLA, scalar).
/// A kernel computes one full <see cref="MR"/>×<see cref="NR"/> tile of raw dot products Σ a·b over all of K from
/// packed A and packed B, and writes it as int32, row-major with row stride <see cref="NR"/>, to a tile buffer.
/// Zero-point correction, partial tiles, strides, dequantization and activation are the driver's job, so a kernel
/// stays a leaf loop (or emitted machine code) with no knowledge of the caller's layout.
/// </summary>
/// <remarks>
/// Packed layout (shared by every family; <see cref="QgemmPacking"/> writes it): K is padded with zeros to a multiple
/// of <see cref="KGroup"/>; for each group of <see cref="KGroup"/> consecutive k, each of the <see cref="MR"/> rows of A
/// (or <see cref="NR"/> columns of B) stores its <see cref="KGroup"/> values contiguously, rows (columns) in order.
/// Values are bytes, or int16 when <see cref="WidensTo16"/> (sign-extended from the byte's signedness).
/// That one layout is what each ISA reads natively: KGroup 8 = SMMLA/UMMLA/USMMLA 2×8 operand blocks, KGroup 4 = SDOT /
/// VPDPBUSD quadruplets, KGroup 2 with int16 = VPMADDWD pairs, KGroup 1 with int16 = NEON SMLAL by element.
/// A padded row or column is all zeros. Families that want another layout override the packing methods.
/// </remarks>
internal abstract unsafe class QgemmKernel
{
    /// <summary>The kernel's contract name, e.g. <c>Qgemm_U8S8_6x16_Avx2</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Rows of A (and C) per tile.</summary>
    public abstract int MR { get; }

    /// <summary>Columns of B (and C) per tile.</summary>
    public abstract int NR { get; }

    /// <summary>K step: consecutive k values packed together; K is zero-padded to a multiple of it.</summary>
    public abstract int KGroup { get; }

    /// <summary>
    /// Whether the kernel reads A as signed (s8) bytes. The driver flips A (x ^ 0x80, zero point ∓ 128) when the
    /// caller's A has the other signedness, so every kernel serves both u8 and s8 activations.
    /// </summary>
    public abstract bool ASigned { get; }

    /// <summary>Whether A and B are stored as sign-extended int16 instead of bytes.</summary>
    public virtual bool WidensTo16 => false;

    /// <summary>
    /// Whether the kernel sums each byte pair (k, k+1) of A·B in saturating int16 (x86 VPMADDUBSW). B is then packed
    /// with every pair made safe for any u8 activation and the excess kept as a sparse exact correction
    /// (<see cref="QgemmPairFixup"/>), so results stay exact; such a kernel must store bytes (not widen) with an even
    /// <see cref="KGroup"/>.
    /// </summary>
    public virtual bool SaturatesInt16Pairs => false;

    /// <summary>Whether this CPU (after any limit) can run the kernel.</summary>
    public abstract bool IsSupported(CpuFeatures cpu);

    /// <summary>K rounded up to the kernel's K step.</summary>
    public int PaddedK(int k) => (k + KGroup - 1) / KGroup * KGroup;

    /// <summary>Bytes of one packed element.</summary>
    public int ElementBytes => WidensTo16 ? 2 : 1;

    /// <summary>Bytes of one packed panel of B (<see cref="NR"/> columns over the padded K).</summary>
    public virtual int PackedBPanelBytes(int kPadded) => checked(NR * kPadded * ElementBytes);

    /// <summary>Bytes of one packed block of A (<see cref="MR"/> rows over the padded K).</summary>
    public virtual int PackedABlockBytes(int kPadded) => checked(MR * kPadded * ElementBytes);

    /// <summary>
    /// Packs columns [<paramref name="col0"/>, col0 + cols) of row-major s8 B (k × ldb) into one panel, padding to
    /// <see cref="NR"/> columns and the padded K with zeros.
    /// </summary>
    public virtual void PackBPanel(sbyte* b, int ldb, int k, int col0, int cols, byte* panel)
        => QgemmPacking.PackColumns(b, ldb, k, col0, cols, NR, KGroup, WidensTo16, panel);

    /// <summary>
    /// Packs <paramref name="rows"/> (≤ <see cref="MR"/>) rows of A (k bytes each, row stride lda) into one block,
    /// reading bytes as signed when <paramref name="sourceSigned"/>, flipping them to the kernel's signedness when
    /// that differs, and returns each packed row's sum (of the values as the kernel sees them) in <paramref name="rowSums"/>.
    /// </summary>
    public virtual void PackABlock(byte* a, int lda, int rows, int k, bool sourceSigned, byte* block, int* rowSums)
        => QgemmPacking.PackRows(a, lda, rows, k, MR, KGroup, WidensTo16, sourceSigned, ASigned, block, rowSums);

    /// <summary>
    /// The micro-kernel: writes the raw int32 dot products of the packed A block and B panel over the padded K
    /// to <paramref name="tile"/> (<see cref="MR"/>×<see cref="NR"/>, row-major, overwritten, not accumulated).
    /// </summary>
    public abstract void Compute(byte* packedA, byte* packedB, int kPadded, int* tile);

    /// <summary>
    /// Whether the kernel can also write a full <see cref="MR"/>×<see cref="NR"/> tile straight to C with the
    /// zero-point correction and dequantize fused (<see cref="ComputeFused"/>), sparing the int32 tile round trip.
    /// The driver still uses <see cref="Compute"/> for partial tiles and whenever a pair correction applies.
    /// </summary>
    public virtual bool FusesEpilogue => false;

    /// <summary>
    /// A full tile to C (row stride <paramref name="ldcBytes"/>): the raw dot products over the padded K, corrected
    /// with <paramref name="tile"/>'s vectors, and for float outputs dequantized exactly as the driver would.
    /// </summary>
    public virtual void ComputeFused(byte* packedA, byte* packedB, int kPadded, void* c, long ldcBytes,
        QgemmFusedTile* tile, QgemmFusedOutput output)
        => throw new NotSupportedException($"{Name} does not fuse the epilogue.");

    public override string ToString() => Name;
}
