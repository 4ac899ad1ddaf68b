using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// x86 AVX2: u8 A × s8 B, 6×16 tile, K step 4, bytes packed as they are (the AVX-VNNI layout). Per k quadruplet,
/// VPMADDUBSW multiplies u8·s8 byte pairs into saturating int16 pair sums (32 MACs per instruction), VPMADDWD by
/// ones widens the two pair sums of each column to int32, VPADDD accumulates: ORT's AVX2 scheme, but exact, because
/// <see cref="Qgemm.PackB(ReadOnlySpan{sbyte}, int, int, ReadOnlySpan{sbyte}, CpuFeatures?)"/> only lets pairs
/// through that cannot saturate for any u8 activation and moves the excess of the others to a sparse exact
/// correction (see <see cref="QgemmPairSaturation"/>).
/// Registers: 12 accumulators + 2 B vectors + 1 broadcast A quadruplet + 1 product + ones = 17: the JIT (checked with
/// DOTNET_JitDisasm) re-broadcasts ones and keeps one accumulator on the stack, 3 extra µops per 44; the loop stays
/// bound by the 24 multiplies (VPMADDUBSW, VPMADDWD) per k quadruplet.
/// </summary>
internal sealed unsafe class Qgemm_U8S8_6x16_Avx2Maddubs : QgemmKernel
{
    public static readonly Qgemm_U8S8_6x16_Avx2Maddubs Instance = new();

    public override string Name => "Qgemm_U8S8_6x16_Avx2Maddubs";
    public override int MR => 6;
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
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<int> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        int* a = (int*)packedA;     // one int32 = 4 consecutive k of one row
        sbyte* b = (sbyte*)packedB; // 16 columns × 4 k = 64 bytes per k group
        for (int kq = kPadded >> 2; kq > 0; kq--, a += 6, b += 64)
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
            ar = Avx2.BroadcastScalarToVector256(a + 4).AsByte();
            c40 = Avx2.Add(c40, Widen(Avx2.MultiplyAddAdjacent(ar, b0)));
            c41 = Avx2.Add(c41, Widen(Avx2.MultiplyAddAdjacent(ar, b1)));
            ar = Avx2.BroadcastScalarToVector256(a + 5).AsByte();
            c50 = Avx2.Add(c50, Widen(Avx2.MultiplyAddAdjacent(ar, b0)));
            c51 = Avx2.Add(c51, Widen(Avx2.MultiplyAddAdjacent(ar, b1)));
        }
        Avx.Store(tile, c00); Avx.Store(tile + 8, c01);
        Avx.Store(tile + 16, c10); Avx.Store(tile + 24, c11);
        Avx.Store(tile + 32, c20); Avx.Store(tile + 40, c21);
        Avx.Store(tile + 48, c30); Avx.Store(tile + 56, c31);
        Avx.Store(tile + 64, c40); Avx.Store(tile + 72, c41);
        Avx.Store(tile + 80, c50); Avx.Store(tile + 88, c51);
    }

    // VPMADDWD by ones: the two int16 pair sums of each column into one int32.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Widen(Vector256<short> pairSums) => Avx2.MultiplyAddAdjacent(pairSums, Vector256.Create((short)1));
}
