using Google.Protobuf;
using Onnx;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// Writes an <see cref="OnnxGraph"/> (typically an optimized one) back to an ONNX model: constants as initializers,
/// nodes with the attributes they carried, inputs and outputs with their symbolic dimensions, every imported domain.
/// Lets ONNX Runtime check a rewritten graph independently of the graviton kernels.
/// </summary>
internal static class OnnxGraphWriter
{
    public static ModelProto Write(OnnxGraph graph)
    {
        var g = new GraphProto { Name = graph.Source };
        foreach (var (name, tensor) in graph.Constants)
            g.Initializer.Add(ToProto(name, tensor));
        foreach (TensorInfo input in graph.Inputs)
            g.Input.Add(ValueInfo(input));
        foreach (TensorInfo output in graph.Outputs)
            g.Output.Add(ValueInfo(output));
        foreach (GraphNode node in graph.Nodes)
        {
            var proto = new NodeProto { Name = node.Name, OpType = node.OpType, Domain = node.Domain };
            proto.Input.AddRange(node.Inputs);
            proto.Output.AddRange(node.Outputs);
            proto.Attribute.AddRange(node.Attributes.Protos);
            g.Node.Add(proto);
        }
        var model = new ModelProto { IrVersion = 8, ProducerName = "mlnetgraviton optimizer", Graph = g };
        foreach (var (domain, version) in graph.Opsets)
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        return model;
    }

    public static byte[] WriteBytes(OnnxGraph graph) => Write(graph).ToByteArray();

    public static TensorProto ToProto(string name, Tensor tensor)
    {
        var proto = new TensorProto { Name = name, DataType = (int)OnnxType(tensor.ElementType), RawData = ByteString.CopyFrom(tensor.AsBytes()) };
        proto.Dims.AddRange(tensor.Shape);
        return proto;
    }

    private static ValueInfoProto ValueInfo(TensorInfo info)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < info.Dims.Length; i++)
            shape.Dim.Add(info.Dims[i] >= 0
                ? new TensorShapeProto.Types.Dimension { DimValue = info.Dims[i] }
                : info.SymbolicDims[i] is { } symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension());
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)OnnxType(info.ElementType), Shape = shape };
        return new ValueInfoProto { Name = info.Name, Type = new TypeProto { TensorType = tensor } };
    }

    private static TensorProto.Types.DataType OnnxType(TensorElementType type) => type switch
    {
        TensorElementType.Float32 => TensorProto.Types.DataType.Float,
        TensorElementType.Float16 => TensorProto.Types.DataType.Float16,
        TensorElementType.Int64 => TensorProto.Types.DataType.Int64,
        TensorElementType.Int32 => TensorProto.Types.DataType.Int32,
        TensorElementType.Int8 => TensorProto.Types.DataType.Int8,
        TensorElementType.UInt8 => TensorProto.Types.DataType.Uint8,
        TensorElementType.Bool => TensorProto.Types.DataType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no ONNX data type"),
    };
}
