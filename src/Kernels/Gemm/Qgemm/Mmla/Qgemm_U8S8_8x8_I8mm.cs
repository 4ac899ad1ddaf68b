using System.Runtime.InteropServices;
using MlNetGraviton.Kernels.Emit;

namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// Arm64 I8MM: u8 A × s8 B, 8×8 tile, K step 8, with USMMLA emitted as machine code at run time
/// (<see cref="QgemmMmlaEmitter"/>). Each USMMLA sums eight byte products per int32 lane exactly, so results are
/// bit-exact whatever the values.
/// </summary>
internal sealed unsafe class Qgemm_U8S8_8x8_I8mm : QgemmKernel
{
    public static readonly Qgemm_U8S8_8x8_I8mm Instance = new();

    private readonly Lazy<ExecutableMemory> _code =
        new(() => ExecutableMemory.FromA64(QgemmMmlaEmitter.Emit(QgemmMmlaEmitter.Variant.Usmmla)));

    public override string Name => "Qgemm_U8S8_8x8_I8mm";
    public override int MR => 8;
    public override int NR => 8;
    public override int KGroup => 8;
    public override bool ASigned => false;

    // The process itself must be Arm64: a feature set describing another machine must never reach emitted A64 code.
    public override bool IsSupported(CpuFeatures cpu) =>
        cpu.IsArm64 && cpu.I8mm && ExecutableMemory.IsSupported && RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    public override void Compute(byte* packedA, byte* packedB, int kPadded, int* tile)
        => ((delegate* unmanaged<byte*, byte*, long, int*, void>)_code.Value.Address)(packedA, packedB, kPadded / 8, tile);
}
