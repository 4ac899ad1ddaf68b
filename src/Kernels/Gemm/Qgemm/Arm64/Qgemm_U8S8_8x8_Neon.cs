using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Arm64 plain NEON (no DotProd, e.g. Cortex-A72): u8 A × s8 B, 8×8 tile, K step 1. A and B are packed
/// sign-extended to int16 and multiplied with SMLAL/SMLAL2 by element into int32, which is exact for any u8·s8.
/// </summary>
internal sealed unsafe class Qgemm_U8S8_8x8_Neon : QgemmKernel
{
    public static readonly Qgemm_U8S8_8x8_Neon Instance = new();

    public override string Name => "Qgemm_U8S8_8x8_Neon";
    public override int MR => 8;
    public override int NR => 8;
    public override int KGroup => 1;
    public override bool ASigned => false;
    public override bool WidensTo16 => true;

    public override bool IsSupported(CpuFeatures cpu) => cpu.AdvSimd && AdvSimd.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Compute(byte* packedA, byte* packedB, int kPadded, int* tile)
    {
        Vector128<int> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<int> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector128<int> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector128<int> c60 = default, c61 = default, c70 = default, c71 = default;
        short* a = (short*)packedA; // per k: rows 0..7 as int16
        short* b = (short*)packedB; // per k: columns 0..7 as int16
        for (int k = kPadded; k > 0; k--, a += 8, b += 8)
        {
            Vector128<short> bv = AdvSimd.LoadVector128(b);
            Vector64<short> bl = bv.GetLower();
            Vector128<short> av = AdvSimd.LoadVector128(a);
            c00 = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(c00, bl, av, 0);
            c01 = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(c01, bv, av, 0);
            c10 = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(c10, bl, av, 1);
            c11 = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(c11, bv, av, 1);
            c20 = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(c20, bl, av, 2);
            c21 = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(c21, bv, av, 2);
            c30 = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(c30, bl, av, 3);
            c31 = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(c31, bv, av, 3);
            c40 = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(c40, bl, av, 4);
            c41 = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(c41, bv, av, 4);
            c50 = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(c50, bl, av, 5);
            c51 = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(c51, bv, av, 5);
            c60 = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(c60, bl, av, 6);
            c61 = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(c61, bv, av, 6);
            c70 = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(c70, bl, av, 7);
            c71 = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(c71, bv, av, 7);
        }
        AdvSimd.Store(tile, c00); AdvSimd.Store(tile + 4, c01);
        AdvSimd.Store(tile + 8, c10); AdvSimd.Store(tile + 12, c11);
        AdvSimd.Store(tile + 16, c20); AdvSimd.Store(tile + 20, c21);
        AdvSimd.Store(tile + 24, c30); AdvSimd.Store(tile + 28, c31);
        AdvSimd.Store(tile + 32, c40); AdvSimd.Store(tile + 36, c41);
        AdvSimd.Store(tile + 40, c50); AdvSimd.Store(tile + 44, c51);
        AdvSimd.Store(tile + 48, c60); AdvSimd.Store(tile + 52, c61);
        AdvSimd.Store(tile + 56, c70); AdvSimd.Store(tile + 60, c71);
    }
}
