using System.Diagnostics;
using MlNetGraviton.Runtime;

namespace MlNetGraviton.Cli.Commands;

/// <summary>`infer`: D/&lt;input&gt;.npy → model → O/&lt;output&gt;.npy.</summary>
internal static class InferCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var cl = new CommandLineArgs(args, new HashSet<string>());
        string model = cl.Required("model", "m");
        string inputDir = cl.Required("input-dir");
        string outputDir = cl.Required("output-dir");
        InferenceOptions options = ParseOptions(cl);
        cl.EnsureAllRead(0);

        if (!File.Exists(model))
            throw new FileNotFoundException($"model file not found: {model}", model);
        if (!Directory.Exists(inputDir))
            throw new DirectoryNotFoundException($"input directory not found: {inputDir}");
        var sw = Stopwatch.StartNew();
        IReadOnlyList<string> written = NpyInference.Run(model, inputDir, outputDir, options, output);
        output.WriteLine($"infer: wrote {written.Count} output(s) to {outputDir} in {sw.Elapsed.TotalMilliseconds:F0} ms");
        return 0;
    }

    /// <summary>--engine, --precision and --threads, shared by the commands that run a model.</summary>
    internal static InferenceOptions ParseOptions(CommandLineArgs cl)
    {
        // Default: the project's own engine; ONNX Runtime stays one flag away (and is the reference the tests check against).
        string engine = cl.Value("engine") ?? "graviton";
        string precision = cl.Value("precision", "p") ?? "fp32";
        return new InferenceOptions
        {
            Engine = engine.ToLowerInvariant() switch
            {
                "graviton" => InferenceEngine.Graviton,
                "ort" or "onnxruntime" => InferenceEngine.OnnxRuntime,
                _ => throw new UsageException($"unknown engine '{engine}' (graviton, ort)"),
            },
            Precision = precision.ToLowerInvariant() switch
            {
                "fp32" or "float32" => Precision.Float32,
                "bf16" or "bfloat16" => Precision.BFloat16,
                "int8" => Precision.Int8,
                "auto" => Precision.Auto,
                _ => throw new UsageException($"unknown precision '{precision}' (fp32, bf16, int8, auto)"),
            },
            Threads = cl.Int("threads", 0),
        };
    }
}
