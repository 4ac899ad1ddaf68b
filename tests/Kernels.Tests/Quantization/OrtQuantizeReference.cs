using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MlNetGraviton.Kernels.Tests.Quantization;

/// <summary>ONNX Runtime running a one-node DynamicQuantizeLinear model: the independent reference.</summary>
internal static class OrtQuantizeReference
{
    public static (byte[] Q, float Scale, byte ZeroPoint) DynamicQuantizeLinear(float[] x)
    {
        var graph = new GraphProto { Name = "dql" };
        graph.Input.Add(Value("x", TensorProto.Types.DataType.Float, x.Length));
        graph.Output.Add(Value("y", TensorProto.Types.DataType.Uint8, x.Length));
        graph.Output.Add(Value("y_scale", TensorProto.Types.DataType.Float));
        graph.Output.Add(Value("y_zero_point", TensorProto.Types.DataType.Uint8));
        var node = new NodeProto { Name = "q", OpType = "DynamicQuantizeLinear" };
        node.Input.Add("x");
        node.Output.Add("y");
        node.Output.Add("y_scale");
        node.Output.Add("y_zero_point");
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "mlnetgraviton tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model.ToByteArray(), options);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [x.Length]);
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(
            new RunOptions(), ["x"], [input], ["y", "y_scale", "y_zero_point"]);
        return (outputs[0].GetTensorDataAsSpan<byte>().ToArray(), outputs[1].GetTensorDataAsSpan<float>()[0],
            outputs[2].GetTensorDataAsSpan<byte>()[0]);
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params int[] dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() };
        foreach (int d in dims)
            tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
