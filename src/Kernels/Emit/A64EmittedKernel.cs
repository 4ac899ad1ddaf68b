namespace MlNetGraviton.Kernels.Emit;

/// <summary>
/// One micro-kernel the project emits as A64 machine code, described for tools that study the code itself
/// (disassembly, llvm-mca throughput models) on any host: no Arm CPU is needed to produce its words.
/// </summary>
/// <param name="Name">The kernel's contract name, e.g. <c>Qgemm_S8S8_8x8_I8mm</c>.</param>
/// <param name="Instruction">The multiply-accumulate instruction of its K loop, e.g. <c>SMMLA</c>.</param>
/// <param name="TileRows">Rows of C one call computes (MR).</param>
/// <param name="TileColumns">Columns of C one call computes (NR).</param>
/// <param name="KStep">K values one iteration of its loop consumes.</param>
/// <param name="IsFloat">Whether it multiplies floating-point values (rates in GFLOP/s rather than GOP/s).</param>
/// <param name="Emit">Produces the exact instruction words the kernel runs.</param>
public sealed record A64EmittedKernel(
    string Name, string Instruction, int TileRows, int TileColumns, int KStep, bool IsFloat, Func<uint[]> Emit)
{
    /// <summary>Multiply-accumulates one loop iteration performs (MR · NR · K step).</summary>
    public long MacsPerKStep => (long)TileRows * TileColumns * KStep;
}
