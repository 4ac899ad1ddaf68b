using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// x86 AVX2: u8 A × s8 B, 4×16 tile, K step 4, bytes packed as they are (the AVX-VNNI layout). Per k quadruplet,
/// VPMADDUBSW multiplies u8·s8 byte pairs into saturating int16 pair sums (32 MACs per instruction), VPMADDWD by
/// ones widens the two pair sums of each column to int32, VPADDD accumulates: ORT's AVX2 scheme (MLAS also uses 4 rows
/// here), but exact, because <see cref="Qgemm.PackB(ReadOnlySpan{sbyte}, int, int, ReadOnlySpan{sbyte}, CpuFeatures?)"/>
/// only lets pairs through that cannot saturate for any u8 activation and moves the excess of the others to a sparse
/// exact correction (see <see cref="QgemmPairSaturation"/>).
/// Registers: 8 accumulators + 2 B vectors + 1 broadcast A quadruplet + 1 product + ones: no spills (checked with
/// DOTNET_JitDisasm; a 6×16 tile needs 17 and spilled, and measured 3–6% slower). The loop is bound by its 16
/// multiplies (VPMADDUBSW, VPMADDWD) per k quadruplet.
/// </summary>
internal sealed unsafe class Qgemm_U8S8_4x16_Avx2Maddubs : QgemmKernel
{
    public static readonly Qgemm_U8S8_4x16_Avx2Maddubs Instance = new();

    public override string Name => "Qgemm_U8S8_4x16_Avx2Maddubs";
    public override int MR => 4;
    public override int NR => 16;
    public override int KGroup => 4;
    public override bool ASigned => false;
    public override bool SaturatesInt16Pairs => true;

    public override bool IsSupported(CpuFeatures cpu) => cpu.Avx2 && Avx2.IsSupported;

    public override void PackABlock(byte* a, int lda, int rows, int k, bool sourceSigned, byte* block, int* rowSums)
        => QgemmPacking.PackRowsU8Group4(a, lda, rows, k, MR, sourceSigned != ASigned, block, rowSums);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Compute(byte* packedA, byte* packedB, int kPadded, int* tile)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<int> c20 = default, c21 = default, c30 = default, c31 = default;
        int* a = (int*)packedA;     // one int32 = 4 consecutive k of one row
        sbyte* b = (sbyte*)packedB; // 16 columns × 4 k = 64 bytes per k group
        for (int kq = kPadded >> 2; kq > 0; kq--, a += 4, b += 64)
        {
            Vector256<sbyte> b0 = Avx.LoadVector256(b);
            Vector256<sbyte> b1 = Avx.LoadVector256(b + 32);
            Vector256<byte> ar = Avx2.BroadcastScalarToVector256(a).AsByte();
            c00 = Avx2.Add(c00, Widen(Avx2.MultiplyAddAdjacent(ar, b0)));
            c01 = Avx2.Add(c01, Widen(Avx2.MultiplyAddAdjacent(ar, b1)));
            ar = Avx2.BroadcastScalarToVector256(a + 1).AsByte();
            c10 = Avx2.Add(c10, Widen(Avx2.MultiplyAddAdjacent(ar, b0)));
            c11 = Avx2.Add(c11, Widen(Avx2.MultiplyAddAdjacent(ar, b1)));
            ar = Avx2.BroadcastScalarToVector256(a + 2).AsByte();
            c20 = Avx2.Add(c20, Widen(Avx2.MultiplyAddAdjacent(ar, b0)));
            c21 = Avx2.Add(c21, Widen(Avx2.MultiplyAddAdjacent(ar, b1)));
            ar = Avx2.BroadcastScalarToVector256(a + 3).AsByte();
            c30 = Avx2.Add(c30, Widen(Avx2.MultiplyAddAdjacent(ar, b0)));
            c31 = Avx2.Add(c31, Widen(Avx2.MultiplyAddAdjacent(ar, b1)));
        }
        Avx.Store(tile, c00); Avx.Store(tile + 8, c01);
        Avx.Store(tile + 16, c10); Avx.Store(tile + 24, c11);
        Avx.Store(tile + 32, c20); Avx.Store(tile + 40, c21);
        Avx.Store(tile + 48, c30); Avx.Store(tile + 56, c31);
    }

    // VPMADDWD by ones: the two int16 pair sums of each column into one int32.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Widen(Vector256<short> pairSums) => Avx2.MultiplyAddAdjacent(pairSums, Vector256.Create((short)1));
}
