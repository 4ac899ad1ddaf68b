using System.Globalization;
using System.Text.RegularExpressions;
using MlNetGraviton.Cli.Bench.ArmModel;
using MlNetGraviton.Kernels.Emit;

namespace MlNetGraviton.Cli.Tests;

/// <summary>
/// `bench gemm --arm-model`: the llvm-mca Neoverse V1 model of each emitted A64 kernel's K loop. The figures come from a
/// deterministic model of the emitted words (not from timing), so the targets of the kernels issue are asserted.
/// </summary>
public sealed class BenchGemmArmModelTests
{
    private static void SkipIfToolsAbsent()
    {
        foreach ((string tool, string package) in new[] { (A64Objdump.ToolName, "binutils-aarch64-linux-gnu"), (LlvmMcaModel.ToolName, "llvm-19") })
        {
            try
            {
                ExternalTool.Require(tool, package, "this test");
            }
            catch (InvalidOperationException e)
            {
                Assert.Skip(e.Message + " (scripts/test.sh installs it)");
            }
        }
    }

    [Fact]
    public void Prints_one_pinned_line_per_emitted_kernel()
    {
        SkipIfToolsAbsent();
        var (code, stdout, stderr) = CliRunner.Run("bench", "gemm", "--arm-model");
        Assert.True(code == 0, stderr);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("arm-model: llvm-mca-19 -mcpu=neoverse-v1 -mattr=+i8mm,+bf16", lines[0], StringComparison.Ordinal);
        Assert.Equal(A64EmittedKernels.All.Count + 1, lines.Length);
        for (int i = 0; i < A64EmittedKernels.All.Count; i++)
        {
            A64EmittedKernel k = A64EmittedKernels.All[i];
            string unit = k.IsFloat ? "GFLOP/s" : "GOP/s";
            Match m = Regex.Match(lines[i + 1],
                $@"^arm-model {k.Name} tile={k.TileRows}x{k.TileColumns} kstep={k.KStep}: (?<cycles>\d+\.\d\d) cycles/step, {k.MacsPerKStep} MACs/step, (?<rate>\d+\.\d) {unit} at 2\.6 GHz, (?<pct>\d+\.\d)% of Neoverse V1 peak \({k.Instruction} \d+ {unit}\)$");
            Assert.True(m.Success, lines[i + 1]);
            double cycles = double.Parse(m.Groups["cycles"].Value, CultureInfo.InvariantCulture);
            double rate = double.Parse(m.Groups["rate"].Value, CultureInfo.InvariantCulture);
            // The printed rate is the MACs per step over the modelled cycles at 2.6 GHz.
            Assert.InRange(rate, 2 * k.MacsPerKStep / cycles * 2.6 - 0.2, 2 * k.MacsPerKStep / cycles * 2.6 + 0.2);
        }
    }

    [Fact]
    public void Modelled_loops_meet_the_issue_targets()
    {
        SkipIfToolsAbsent();
        foreach (A64EmittedKernel kernel in A64EmittedKernels.All)
        {
            LlvmMcaModel.Result model = ArmModelReport.Model(kernel);
            double percent = 100.0 * (2.0 * kernel.MacsPerKStep / model.CyclesPerIteration * NeoverseV1Peak.ClockGHz)
                / NeoverseV1Peak.PeakGigaOps(kernel.Instruction);
            double target = kernel.Instruction is "SDOT" or "UDOT" ? 90 : 95;
            Assert.True(percent >= target, $"{kernel.Name}: {model.CyclesPerIteration:F2} cycles per K step = {percent:F1}% of peak, target {target}%");
        }
    }

    [Fact]
    public void The_loop_cut_out_is_the_backward_branch_body()
    {
        A64Objdump.Instruction[] code =
        [
            new(0x0, "movi v16.2d, #0x0"),
            new(0x4, "cbz x2, 0x18"),
            new(0x8, "ldp q0, q1, [x0], #32"),
            new(0xc, "smmla v16.4s, v0.16b, v1.16b"),
            new(0x10, "subs x2, x2, #0x1"),
            new(0x14, "b.ne 0x8"),
            new(0x18, "ret"),
        ];
        Assert.Equal([".Lkstep:", "ldp q0, q1, [x0], #32", "smmla v16.4s, v0.16b, v1.16b", "subs x2, x2, #0x1", "b.ne .Lkstep"],
            KStepLoop.Extract("k", code));
    }

    [Fact]
    public void Code_without_exactly_one_loop_is_refused_by_name()
    {
        A64Objdump.Instruction[] straight = [new(0x0, "movi v16.2d, #0x0"), new(0x4, "ret")];
        var e = Assert.Throws<InvalidOperationException>(() => KStepLoop.Extract("Straight_Kernel", straight));
        Assert.Contains("Straight_Kernel", e.Message, StringComparison.Ordinal);
        A64Objdump.Instruction[] twoLoops = [new(0x0, "subs x2, x2, #0x1"), new(0x4, "b.ne 0x0"), new(0x8, "b.ne 0x0")];
        Assert.Contains("found 2", Assert.Throws<InvalidOperationException>(() => KStepLoop.Extract("k", twoLoops)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_tool_is_named_with_its_package()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            ExternalTool.Require("llvm-mca-no-such-version", "llvm-no-such-version", "bench gemm --arm-model"));
        Assert.Contains("llvm-mca-no-such-version", e.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y llvm-no-such-version", e.Message, StringComparison.Ordinal);
        Assert.Contains("--arm-model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Arm_model_takes_no_other_option()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench", "gemm", "--arm-model", "--bogus", "1");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("--bogus", stderr, StringComparison.Ordinal);
    }
}
