using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// An ONNX Runtime GEMM baseline: a one-node model taking float input A [M, K] and writing float output C [M, N], run
/// with all graph optimizations and the given intra-op thread count; input and output are bound once so a run is just
/// the node. Subclasses supply the model and say what it is.
/// </summary>
internal abstract class OrtGemmSession : IGemmBenchEngine
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames = ["A"];
    private readonly string[] _outputNames = ["C"];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;

    protected OrtGemmSession(GemmShape shape, int threads, float[] a, byte[] model)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        // Engines take turns on the same cores: ORT's idle workers would otherwise spin on after each run and take a core
        // from whichever engine runs next (our 2-thread SGEMM measured 46 GFLOP/s beside a spinning ORT, 118 without).
        options.AddSessionConfigEntry(OrtSpinning.ConfigKey, "0");
        _session = new InferenceSession(model, options);
        _input = OrtValue.CreateTensorValueFromMemory(a, [shape.M, shape.K]);
        _output = OrtValue.CreateTensorValueFromMemory(new float[shape.M * shape.N], [shape.M, shape.N]);
        _inputs = [_input];
        _outputs = [_output];
    }

    public string Name => "ort";

    public abstract string Detail { get; }

    public void Run() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    public void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    protected static TensorProto Tensor(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> raw, params int[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        foreach (int d in dims)
            tensor.Dims.Add(d);
        return tensor;
    }

    protected static ValueInfoProto Value(string name, int rows, int cols)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
        tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = rows });
        tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = cols });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
