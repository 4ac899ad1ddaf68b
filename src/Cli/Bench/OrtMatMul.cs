using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// ONNX Runtime baseline: a one-node MatMul model with B as an initializer, built in memory, run with all graph
/// optimizations and the same intra-op thread count; input and output are bound once so a run is just the MatMul.
/// </summary>
internal sealed class OrtMatMul : IGemmBenchEngine
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames = ["A"];
    private readonly string[] _outputNames = ["C"];
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;

    public OrtMatMul(GemmShape shape, int threads, float[] a, float[] b)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        _session = new InferenceSession(BuildModel(shape, b), options);
        _input = OrtValue.CreateTensorValueFromMemory(a, [shape.M, shape.K]);
        _output = OrtValue.CreateTensorValueFromMemory(new float[shape.M * shape.N], [shape.M, shape.N]);
        _inputs = [_input];
        _outputs = [_output];
    }

    public string Name => "ort";

    public string Detail => $"MatMul, ONNX Runtime {OrtEnv.Instance().GetVersionString()}";

    public void Run() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    public void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <summary>The model bytes: graph input A [M, K], initializer B [K, N], output C [M, N], opset 17.</summary>
    public static byte[] BuildModel(GemmShape shape, float[] b)
    {
        var graph = new GraphProto { Name = "matmul" };
        graph.Input.Add(Value("A", shape.M, shape.K));
        graph.Output.Add(Value("C", shape.M, shape.N));
        var weight = new TensorProto { Name = "B", DataType = (int)TensorProto.Types.DataType.Float };
        weight.Dims.Add(shape.K);
        weight.Dims.Add(shape.N);
        weight.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan(0, shape.K * shape.N)));
        graph.Initializer.Add(weight);
        var node = new NodeProto { Name = "MatMul", OpType = "MatMul" };
        node.Input.Add("A");
        node.Input.Add("B");
        node.Output.Add("C");
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "mlnetgraviton bench gemm" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model.ToByteArray();
    }

    private static ValueInfoProto Value(string name, int rows, int cols)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
        tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = rows });
        tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = cols });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
