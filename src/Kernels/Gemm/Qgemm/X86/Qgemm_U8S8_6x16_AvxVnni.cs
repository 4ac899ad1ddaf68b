using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// x86 AVX-VNNI (256-bit VPDPBUSD): u8 A × s8 B, 6×16 tile, K step 4, bytes packed as they are. VPDPBUSD sums four
/// u8·s8 products into int32 without intermediate saturation (the non-"S" form), so results are exact.
/// Gated on AVX-VNNI; not exercised on CPUs without it.
/// </summary>
internal sealed unsafe class Qgemm_U8S8_6x16_AvxVnni : QgemmKernel
{
    public static readonly Qgemm_U8S8_6x16_AvxVnni Instance = new();

    public override string Name => "Qgemm_U8S8_6x16_AvxVnni";
    public override int MR => 6;
    public override int NR => 16;
    public override int KGroup => 4;
    public override bool ASigned => false;

    public override bool IsSupported(CpuFeatures cpu) => cpu.AvxVnni && AvxVnni.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Compute(byte* packedA, byte* packedB, int kPadded, int* tile)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<int> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        int* a = (int*)packedA; // one int32 = 4 consecutive k of one row
        sbyte* b = (sbyte*)packedB; // 16 columns × 4 k = 64 bytes per k group
        for (int kq = kPadded >> 2; kq > 0; kq--, a += 6, b += 64)
        {
            Vector256<sbyte> b0 = Avx.LoadVector256(b);
            Vector256<sbyte> b1 = Avx.LoadVector256(b + 32);
            Vector256<byte> ar = Vector256.Create(a[0]).AsByte();
            c00 = AvxVnni.MultiplyWideningAndAdd(c00, ar, b0);
            c01 = AvxVnni.MultiplyWideningAndAdd(c01, ar, b1);
            ar = Vector256.Create(a[1]).AsByte();
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, ar, b0);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, ar, b1);
            ar = Vector256.Create(a[2]).AsByte();
            c20 = AvxVnni.MultiplyWideningAndAdd(c20, ar, b0);
            c21 = AvxVnni.MultiplyWideningAndAdd(c21, ar, b1);
            ar = Vector256.Create(a[3]).AsByte();
            c30 = AvxVnni.MultiplyWideningAndAdd(c30, ar, b0);
            c31 = AvxVnni.MultiplyWideningAndAdd(c31, ar, b1);
            ar = Vector256.Create(a[4]).AsByte();
            c40 = AvxVnni.MultiplyWideningAndAdd(c40, ar, b0);
            c41 = AvxVnni.MultiplyWideningAndAdd(c41, ar, b1);
            ar = Vector256.Create(a[5]).AsByte();
            c50 = AvxVnni.MultiplyWideningAndAdd(c50, ar, b0);
            c51 = AvxVnni.MultiplyWideningAndAdd(c51, ar, b1);
        }
        Avx.Store(tile, c00); Avx.Store(tile + 8, c01);
        Avx.Store(tile + 16, c10); Avx.Store(tile + 24, c11);
        Avx.Store(tile + 32, c20); Avx.Store(tile + 40, c21);
        Avx.Store(tile + 48, c30); Avx.Store(tile + 56, c31);
        Avx.Store(tile + 64, c40); Avx.Store(tile + 72, c41);
        Avx.Store(tile + 80, c50); Avx.Store(tile + 88, c51);
    }
}
