using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using MlNetGraviton.Kernels.Emit;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Arm64 SDOT (by element): s8 A × s8 B, 8×8 tile, K step 4. u8 activations are flipped to s8 by the packer
/// (x ^ 0x80, zero point − 128) as MLAS does, so one signed kernel serves both. Each SDOT sums four s8·s8 products
/// per int32 lane exactly. 16 accumulators + 2 B + 2 A registers fit the 32 NEON registers without spills.
/// On Linux the loop is emitted machine code (<see cref="QgemmSdotEmitter"/>: exactly 2 loads and 16 SDOTs per K step,
/// which llvm-mca can model); elsewhere the same loop is written with intrinsics and left to the JIT.
/// </summary>
internal sealed unsafe class Qgemm_S8S8_8x8_Dot : QgemmKernel
{
    public static readonly Qgemm_S8S8_8x8_Dot Instance = new();

    public override string Name => "Qgemm_S8S8_8x8_Dot";
    public override int MR => 8;
    public override int NR => 8;
    public override int KGroup => 4;
    public override bool ASigned => true;

    // Null where code cannot be emitted (not Linux) or run (not an Arm64 process): the intrinsics loop serves there.
    private static readonly Lazy<ExecutableMemory?> s_code = new(() =>
        ExecutableMemory.IsSupported && RuntimeInformation.ProcessArchitecture == Architecture.Arm64
            ? ExecutableMemory.FromA64(QgemmSdotEmitter.Emit())
            : null);

    public override bool IsSupported(CpuFeatures cpu) => cpu.DotProd && Dp.IsSupported;

    /// <summary>Whether <see cref="Compute"/> runs the emitted loop (else the intrinsics one).</summary>
    internal static bool UsesEmittedCode => s_code.Value is not null;

    public override void Compute(byte* packedA, byte* packedB, int kPadded, int* tile)
    {
        ExecutableMemory? code = s_code.Value;
        if (code is not null)
            ((delegate* unmanaged<byte*, byte*, long, int*, void>)code.Address)(packedA, packedB, kPadded / 4, tile);
        else
            ComputeWithIntrinsics(packedA, packedB, kPadded, tile);
    }

    /// <summary>The same loop with .NET intrinsics: the fallback, and a second implementation the tests compare with.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ComputeWithIntrinsics(byte* packedA, byte* packedB, int kPadded, int* tile)
    {
        Vector128<int> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<int> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector128<int> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector128<int> c60 = default, c61 = default, c70 = default, c71 = default;
        sbyte* a = (sbyte*)packedA; // per k group: rows 0..7 × 4 bytes
        sbyte* b = (sbyte*)packedB; // per k group: columns 0..7 × 4 bytes
        for (int kq = kPadded >> 2; kq > 0; kq--, a += 32, b += 32)
        {
            Vector128<sbyte> b0 = AdvSimd.LoadVector128(b);
            Vector128<sbyte> b1 = AdvSimd.LoadVector128(b + 16);
            Vector128<sbyte> a0 = AdvSimd.LoadVector128(a);
            Vector128<sbyte> a1 = AdvSimd.LoadVector128(a + 16);
            c00 = Dp.DotProductBySelectedQuadruplet(c00, b0, a0, 0);
            c01 = Dp.DotProductBySelectedQuadruplet(c01, b1, a0, 0);
            c10 = Dp.DotProductBySelectedQuadruplet(c10, b0, a0, 1);
            c11 = Dp.DotProductBySelectedQuadruplet(c11, b1, a0, 1);
            c20 = Dp.DotProductBySelectedQuadruplet(c20, b0, a0, 2);
            c21 = Dp.DotProductBySelectedQuadruplet(c21, b1, a0, 2);
            c30 = Dp.DotProductBySelectedQuadruplet(c30, b0, a0, 3);
            c31 = Dp.DotProductBySelectedQuadruplet(c31, b1, a0, 3);
            c40 = Dp.DotProductBySelectedQuadruplet(c40, b0, a1, 0);
            c41 = Dp.DotProductBySelectedQuadruplet(c41, b1, a1, 0);
            c50 = Dp.DotProductBySelectedQuadruplet(c50, b0, a1, 1);
            c51 = Dp.DotProductBySelectedQuadruplet(c51, b1, a1, 1);
            c60 = Dp.DotProductBySelectedQuadruplet(c60, b0, a1, 2);
            c61 = Dp.DotProductBySelectedQuadruplet(c61, b1, a1, 2);
            c70 = Dp.DotProductBySelectedQuadruplet(c70, b0, a1, 3);
            c71 = Dp.DotProductBySelectedQuadruplet(c71, b1, a1, 3);
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
