using Microsoft.ML.OnnxRuntime;
using MlNetGraviton.Kernels;
using MlNetGraviton.Runtime;

namespace MlNetGraviton.Cli.ModelBench;

/// <summary>
/// ONNX Runtime at its best, called directly: all graph optimizations, the same intra-op thread count, input OrtValues
/// created once over pinned arrays, only the benchmarked output fetched and released each run (no copy into managed memory).
/// </summary>
internal sealed class OrtBenchEngine : IBenchEngine
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputValues;
    private readonly string[] _outputNames;

    public OrtBenchEngine(BenchCase c)
    {
        _options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = c.Threads };
        // Engines are interleaved run by run: ORT's workers must not spin on after a run and slow the next engine.
        _options.AddSessionConfigEntry(Bench.OrtSpinning.ConfigKey, "0");
        switch (c.Precision)
        {
            case "fp32":
                Kernel = "MLAS SGEMM";
                break;
            case "bf16":
                CpuFeatures cpu = CpuFeatures.Current;
                if (!(cpu.IsArm64 && cpu.Bf16))
                {
                    _options.Dispose();
                    throw new EngineUnavailableException("ONNX Runtime's bf16 fast-math needs an Arm64 CPU with BF16 (BFMMLA); it has no x86 path");
                }
                _options.AddSessionConfigEntry(OrtBackendOptions.Bf16FastMathConfigKey, "1");
                Kernel = "MLAS SBGEMM fast-math (BFMMLA)";
                break;
            case "int8":
                // The case's model is already the quantized graph (DynamicQuantizeLinear + MatMulInteger, which ORT_ENABLE_ALL
                // fuses into its own DynamicQuantizeMatMul / MatMulIntegerToFloat on MLAS QGEMM).
                Kernel = "MLAS QGEMM (ORT dynamic quantization)";
                break;
            default:
                _options.Dispose();
                throw new EngineUnavailableException($"unknown precision {c.Precision}");
        }
        _session = new InferenceSession(c.ModelPath, _options);
        _inputNames = c.Inputs.Keys.ToArray();
        _inputValues = _inputNames.Select(n => OrtValue.CreateTensorValueFromMemory(c.Inputs[n].AsSpan<long>().ToArray(), c.Inputs[n].Shape)).ToArray();
        _outputNames = [c.OutputName];
    }

    public string Name => "ort";

    public string Version => OrtEnv.Instance().GetVersionString();

    public string Providers => "CPUExecutionProvider";

    public string Optimizer => "ORT_ENABLE_ALL";

    public string Kernel { get; }

    public void RunOnce()
    {
        using IDisposableReadOnlyCollection<OrtValue> outputs = _session.Run(_runOptions, _inputNames, _inputValues, _outputNames);
    }

    public void Dispose()
    {
        foreach (OrtValue v in _inputValues)
            v.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
