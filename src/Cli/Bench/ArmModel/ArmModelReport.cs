using System.Globalization;
using MlNetGraviton.Kernels.Emit;

namespace MlNetGraviton.Cli.Bench.ArmModel;

/// <summary>
/// `bench gemm --arm-model`: for each emitted A64 micro-kernel, the exact words the emitter writes are disassembled
/// with binutils, the K-step loop is cut out and llvm-mca's Neoverse V1 model gives its cycles per K step; one line per
/// kernel: <c>arm-model NAME tile=MRxNR kstep=K: C cycles/step, M MACs/step, R GOP/s at 2.6 GHz, P% of Neoverse V1
/// peak (INSTR X GOP/s)</c> (GFLOP/s for bf16). Runs on any host: nothing is executed.
/// </summary>
internal static class ArmModelReport
{
    public static void Write(TextWriter output)
    {
        // Find both tools before the first kernel, so a missing one is the only thing printed.
        ExternalTool.Require(A64Objdump.ToolName, "binutils-aarch64-linux-gnu", "bench gemm --arm-model");
        ExternalTool.Require(LlvmMcaModel.ToolName, "llvm-19", "bench gemm --arm-model");
        output.WriteLine(Invariant(
            $"arm-model: {LlvmMcaModel.ToolName} -mcpu={LlvmMcaModel.Cpu} -mattr={LlvmMcaModel.Attributes}, {LlvmMcaModel.Iterations} iterations of each kernel's K loop as {A64Objdump.ToolName} reads the emitted words"));
        foreach (A64EmittedKernel kernel in A64EmittedKernels.All)
            output.WriteLine(Line(kernel, Model(kernel)));
    }

    public static LlvmMcaModel.Result Model(A64EmittedKernel kernel)
    {
        IReadOnlyList<A64Objdump.Instruction> code = A64Objdump.Disassemble(kernel.Emit());
        return LlvmMcaModel.Run(KStepLoop.Extract(kernel.Name, code));
    }

    public static string Line(A64EmittedKernel kernel, LlvmMcaModel.Result model)
    {
        double cycles = model.CyclesPerIteration;
        double rate = 2.0 * kernel.MacsPerKStep / cycles * NeoverseV1Peak.ClockGHz;
        double peak = NeoverseV1Peak.PeakGigaOps(kernel.Instruction);
        string unit = kernel.IsFloat ? "GFLOP/s" : "GOP/s";
        return Invariant(
            $"arm-model {kernel.Name} tile={kernel.TileRows}x{kernel.TileColumns} kstep={kernel.KStep}: {cycles:F2} cycles/step, {kernel.MacsPerKStep} MACs/step, {rate:F1} {unit} at {NeoverseV1Peak.ClockGHz:F1} GHz, {100 * rate / peak:F1}% of Neoverse V1 peak ({kernel.Instruction} {peak:F0} {unit})");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
