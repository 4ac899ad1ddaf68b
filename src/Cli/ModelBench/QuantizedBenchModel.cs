using System.Diagnostics;
using MlNetGraviton.Kernels;
using MlNetGraviton.Runtime.Quantization;

namespace MlNetGraviton.Cli.ModelBench;

/// <summary>
/// The int8 model every engine of an int8 cell runs: the fp32 file quantized once by the project's quantizer into
/// ONNX Runtime's quantize_dynamic op pattern (s8 weights per tensor, u8 activations quantized per run), cached next to it.
/// Weights are 7-bit (ORT's reduce_range) on x86 CPUs without VNNI: there ONNX Runtime's u8 × s8 kernel saturates
/// pairs of full-range products, and ORT's own guidance is to quantize with reduce_range; elsewhere full range.
/// </summary>
internal static class QuantizedBenchModel
{
    public static bool ReduceRangeFor(CpuFeatures cpu) => cpu.IsX64 && !cpu.AvxVnni && !cpu.Avx512Vnni;

    public static string Describe(CpuFeatures cpu) =>
        ReduceRangeFor(cpu) ? "s8 weights per tensor, 7-bit (reduce_range: x86 without VNNI)" : "s8 weights per tensor, full range";

    /// <summary>The quantized file for <paramref name="fp32Path"/>, written on first use (or when older than the fp32 file); its name
    /// carries <see cref="DynamicQuantizer.Revision"/>, so a newer quantizer never reuses an older one's output.</summary>
    public static string GetOrCreate(string fp32Path, CpuFeatures cpu, TextWriter progress)
    {
        bool reduce = ReduceRangeFor(cpu);
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(fp32Path))!,
            Path.GetFileNameWithoutExtension(fp32Path) + $".int8{(reduce ? "-rr" : "")}.q{DynamicQuantizer.Revision}.onnx");
        if (File.Exists(path) && File.GetLastWriteTimeUtc(path) >= File.GetLastWriteTimeUtc(fp32Path))
            return path;
        var sw = Stopwatch.StartNew();
        string temp = path + "." + Environment.ProcessId + ".tmp";
        DynamicQuantizationReport report = DynamicQuantizer.QuantizeFile(fp32Path, temp, new DynamicQuantizationOptions { ReduceRange = reduce });
        File.Move(temp, path, overwrite: true);
        progress.WriteLine($"bench: quantized {Path.GetFileName(fp32Path)} in {sw.Elapsed.TotalSeconds:F1} s ({Describe(cpu)}): {report.Summary}");
        return path;
    }
}
