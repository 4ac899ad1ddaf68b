using System.Text.RegularExpressions;
using MlNetGraviton.Kernels;

namespace MlNetGraviton.Cli.Tests;

/// <summary>`bench gemm` prints the line format the conventions pin (scripts parse it). No timing assertions.</summary>
public sealed class BenchGemmTests
{
    private const string Rate = @"\d+\.\d";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Tiny_shape_prints_the_pinned_lines(int threads)
    {
        var (code, stdout, stderr) = CliRunner.Run("bench", "gemm", "--m", "8", "--k", "16", "--n", "24", "--precision", "fp32",
            "--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture), "--runs", "2");
        Assert.True(code == 0, stderr);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(4, lines.Length);
        Assert.Matches($@"^graviton fp32 M=8 K=16 N=24 threads={threads}: {Rate} GFLOP/s \(kernel Sgemm_\w+\)$", lines[0]);
        Assert.Matches($@"^ort fp32 M=8 K=16 N=24 threads={threads}: {Rate} GFLOP/s \(MatMul, ONNX Runtime \d+\.\d+\.\d+\)$", lines[1]);
        Assert.Matches($@"^peak fp32 threads={threads}: {Rate} GFLOP/s \(Vector(128|256|512) FMA leaf loop\)$", lines[2]);
        Assert.Matches(@"^ratio graviton/ort: \d+\.\d\d  graviton/peak: \d+\.\d%$", lines[3]);
    }

    [Fact]
    public void The_kernel_named_is_the_one_the_cpu_selects()
    {
        var (code, stdout, _) = CliRunner.Run("bench", "gemm", "--m", "3", "--k", "5", "--n", "7", "--runs", "1");
        Assert.Equal(0, code);
        string expected = MlNetGraviton.Kernels.Gemm.SgemmKernelInfo.Name(MlNetGraviton.Kernels.Gemm.SgemmKernelInfo.Select(CpuFeatures.Current));
        Assert.Contains($"(kernel {expected})", stdout);
    }

    [Theory]
    [InlineData("--m", "0", "--k", "4", "--n", "4")]
    [InlineData("--m", "-3", "--k", "4", "--n", "4")]
    [InlineData("--m", "x", "--k", "4", "--n", "4")]
    [InlineData("--m", "4")]
    [InlineData("--m", "4", "--k", "4", "--n", "4", "--precision", "fp16")]
    [InlineData("--m", "4", "--k", "4", "--n", "4", "--runs", "0")]
    [InlineData("--m", "4", "--k", "4", "--n", "4", "--seconds", "-1")]
    [InlineData("--m", "4", "--k", "4", "--n", "4", "--threads", "0")]
    [InlineData("--m", "4", "--k", "4", "--n", "4", "--bogus", "1")]
    public void Bad_shapes_and_options_are_usage_errors(params string[] options)
    {
        var (code, stdout, stderr) = CliRunner.Run(["bench", "gemm", .. options]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("error: ", stderr);
    }

    [Fact]
    public void Bf16_without_the_hardware_names_the_missing_feature()
    {
        CpuFeatures cpu = CpuFeatures.Current;
        var (code, stdout, stderr) = CliRunner.Run("bench", "gemm", "--m", "4", "--k", "4", "--n", "4", "--precision", "bf16", "--runs", "1");
        if ((cpu.IsX64 && !cpu.Avx512Bf16) || (cpu.IsArm64 && !cpu.Bf16))
        {
            Assert.Equal(1, code);
            Assert.Contains(cpu.IsX64 ? "AVX512-BF16" : "BF16", stderr);
        }
        else
        {
            Assert.Contains("bf16", stdout + stderr);
        }
    }

    [Fact]
    public void Int8_reports_its_state()
    {
        var (code, stdout, stderr) = CliRunner.Run("bench", "gemm", "--m", "4", "--k", "8", "--n", "8", "--precision", "int8", "--runs", "1");
        Assert.True(code == 0, stderr);
        // Either the placeholder or, once the int8 engine is plugged in, its pinned GOP/s line.
        Assert.Matches(@"^(int8: not available yet|graviton int8 M=4 K=8 N=8 threads=1: \d+\.\d GOP/s .*)$",
            stdout.Split('\n', StringSplitOptions.TrimEntries)[0]);
    }
}
