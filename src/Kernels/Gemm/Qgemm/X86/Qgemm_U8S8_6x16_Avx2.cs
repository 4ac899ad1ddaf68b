using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// x86 AVX2: u8 A × s8 B, 6×16 tile, K step 2, exact. A and B are packed sign-extended to int16, so each
/// VPMADDWD multiplies 8 columns × 2 k of int16 pairs into int32 without saturation (|255·128·2| ≪ 2³¹).
/// VPMADDUBSW would do twice the work per instruction but saturates its int16 pair sums (255·127·2 > 32767),
/// which would make results wrong for large activations; exactness is the contract here.
/// 12 ymm accumulators + 2 B vectors + 1 broadcast A pair use 15 of the 16 ymm registers.
/// </summary>
internal sealed unsafe class Qgemm_U8S8_6x16_Avx2 : QgemmKernel
{
    public static readonly Qgemm_U8S8_6x16_Avx2 Instance = new();

    public override string Name => "Qgemm_U8S8_6x16_Avx2";
    public override int MR => 6;
    public override int NR => 16;
    public override int KGroup => 2;
    public override bool ASigned => false;
    public override bool WidensTo16 => true;

    public override bool IsSupported(CpuFeatures cpu) => cpu.Avx2 && Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Compute(byte* packedA, byte* packedB, int kPadded, int* tile)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<int> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        int* a = (int*)packedA;     // one int32 = an int16 pair (k, k+1) of one row
        short* b = (short*)packedB; // 16 columns × an int16 pair = 32 shorts per k pair
        for (int kp = kPadded >> 1; kp > 0; kp--, a += 6, b += 32)
        {
            Vector256<short> b0 = Avx.LoadVector256(b);
            Vector256<short> b1 = Avx.LoadVector256(b + 16);
            Vector256<short> ar = Vector256.Create(a[0]).AsInt16();
            c00 = Avx2.Add(c00, Avx2.MultiplyAddAdjacent(b0, ar));
            c01 = Avx2.Add(c01, Avx2.MultiplyAddAdjacent(b1, ar));
            ar = Vector256.Create(a[1]).AsInt16();
            c10 = Avx2.Add(c10, Avx2.MultiplyAddAdjacent(b0, ar));
            c11 = Avx2.Add(c11, Avx2.MultiplyAddAdjacent(b1, ar));
            ar = Vector256.Create(a[2]).AsInt16();
            c20 = Avx2.Add(c20, Avx2.MultiplyAddAdjacent(b0, ar));
            c21 = Avx2.Add(c21, Avx2.MultiplyAddAdjacent(b1, ar));
            ar = Vector256.Create(a[3]).AsInt16();
            c30 = Avx2.Add(c30, Avx2.MultiplyAddAdjacent(b0, ar));
            c31 = Avx2.Add(c31, Avx2.MultiplyAddAdjacent(b1, ar));
            ar = Vector256.Create(a[4]).AsInt16();
            c40 = Avx2.Add(c40, Avx2.MultiplyAddAdjacent(b0, ar));
            c41 = Avx2.Add(c41, Avx2.MultiplyAddAdjacent(b1, ar));
            ar = Vector256.Create(a[5]).AsInt16();
            c50 = Avx2.Add(c50, Avx2.MultiplyAddAdjacent(b0, ar));
            c51 = Avx2.Add(c51, Avx2.MultiplyAddAdjacent(b1, ar));
        }
        Avx.Store(tile, c00); Avx.Store(tile + 8, c01);
        Avx.Store(tile + 16, c10); Avx.Store(tile + 24, c11);
        Avx.Store(tile + 32, c20); Avx.Store(tile + 40, c21);
        Avx.Store(tile + 48, c30); Avx.Store(tile + 56, c31);
        Avx.Store(tile + 64, c40); Avx.Store(tile + 72, c41);
        Avx.Store(tile + 80, c50); Avx.Store(tile + 88, c51);
    }
}
