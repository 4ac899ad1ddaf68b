using MlNetGraviton.Kernels.Gemm;

namespace MlNetGraviton.Kernels.Emit;

/// <summary>Every GEMM micro-kernel the project emits as A64 machine code (what `bench gemm --arm-model` models).</summary>
public static class A64EmittedKernels
{
    private static readonly A64EmittedKernel[] s_all =
    [
        new(Qgemm_U8S8_8x8_I8mm.Instance.Name, "USMMLA", 8, 8, 8, false, () => QgemmMmlaEmitter.Emit(QgemmMmlaEmitter.Variant.Usmmla)),
        new(Qgemm_S8S8_8x8_I8mm.Instance.Name, "SMMLA", 8, 8, 8, false, () => QgemmMmlaEmitter.Emit(QgemmMmlaEmitter.Variant.Smmla)),
        new(Qgemm_S8S8_8x8_Dot.Instance.Name, "SDOT", 8, 8, 4, false, QgemmSdotEmitter.Emit),
        new(Sbgemm_8x12_Bfmmla.Name, "BFMMLA", Sbgemm_8x12_Bfmmla.MR, Sbgemm_8x12_Bfmmla.NR, 4, true, Sbgemm_8x12_Bfmmla.Emit),
    ];

    /// <summary>The kernels, int8 first.</summary>
    public static IReadOnlyList<A64EmittedKernel> All => s_all;
}
