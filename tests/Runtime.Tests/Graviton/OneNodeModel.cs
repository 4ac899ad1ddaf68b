using Google.Protobuf;
using Onnx;

namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>
/// A one-node ONNX model built with OnnxSharp: named inputs (fed at run time or stored as initializers), one op with
/// attributes, outputs of declared element type and unknown shape. Written to a file both engines load.
/// </summary>
internal sealed class OneNodeModel(string opType, int opset = 17, string domain = "")
{
    private readonly List<(string Name, Tensor Value, bool Constant)> _inputs = [];
    private readonly List<(string Name, TensorElementType Type)> _outputs = [];
    private readonly List<AttributeProto> _attributes = [];

    public string OpType => opType;

    public OneNodeModel Input(string name, Tensor value) { _inputs.Add((name, value, false)); return this; }

    public OneNodeModel Constant(string name, Tensor value) { _inputs.Add((name, value, true)); return this; }

    /// <summary>An optional input left out (empty name in the node's input list).</summary>
    public OneNodeModel Skip() { _inputs.Add(("", null!, false)); return this; }

    public OneNodeModel Output(string name, TensorElementType type) { _outputs.Add((name, type)); return this; }

    public OneNodeModel Attr(string name, long value) => Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    public OneNodeModel Attr(string name, float value) => Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });

    public OneNodeModel Attr(string name, string value) =>
        Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });

    public OneNodeModel Attr(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return Add(a);
    }

    public OneNodeModel Attr(string name, Tensor value) =>
        Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = ToProto(name, value) });

    private OneNodeModel Add(AttributeProto a)
    {
        _attributes.Add(a);
        return this;
    }

    public Dictionary<string, Tensor> Feeds() =>
        _inputs.Where(i => i.Name.Length > 0 && !i.Constant).ToDictionary(i => i.Name, i => i.Value);

    public ModelProto Build(string nodeName = "node0")
    {
        var graph = new GraphProto { Name = opType };
        var node = new NodeProto { Name = nodeName, OpType = opType, Domain = domain };
        foreach (var (name, value, constant) in _inputs)
        {
            node.Input.Add(name);
            if (name.Length == 0)
                continue;
            if (constant)
                graph.Initializer.Add(ToProto(name, value));
            else
                graph.Input.Add(ValueInfo(name, value.ElementType, value.Shape));
        }
        foreach (var (name, type) in _outputs)
        {
            node.Output.Add(name);
            graph.Output.Add(ValueInfo(name, type, null));
        }
        node.Attribute.AddRange(_attributes);
        graph.Node.Add(node);
        var model = new ModelProto { IrVersion = 8, ProducerName = "graviton op tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        if (domain.Length > 0)
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = 1 });
        return model;
    }

    public string Save(TempFolder folder, string? fileName = null)
    {
        string path = folder.File(fileName ?? $"{opType}-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Build().ToByteArray());
        return path;
    }

    public static int OnnxType(TensorElementType type) => (int)(type switch
    {
        TensorElementType.Float32 => TensorProto.Types.DataType.Float,
        TensorElementType.Float16 => TensorProto.Types.DataType.Float16,
        TensorElementType.Int64 => TensorProto.Types.DataType.Int64,
        TensorElementType.Int32 => TensorProto.Types.DataType.Int32,
        TensorElementType.Int8 => TensorProto.Types.DataType.Int8,
        TensorElementType.UInt8 => TensorProto.Types.DataType.Uint8,
        _ => TensorProto.Types.DataType.Bool,
    });

    public static TensorProto ToProto(string name, Tensor value)
    {
        var t = new TensorProto { Name = name, DataType = OnnxType(value.ElementType), RawData = ByteString.CopyFrom(RandomTensors.Bytes(value)) };
        t.Dims.AddRange(value.Shape);
        return t;
    }

    /// <summary>A graph input/output declaration: fixed dims for inputs; outputs leave the shape out (ORT infers it).</summary>
    public static ValueInfoProto ValueInfo(string name, TensorElementType type, long[]? shape)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = OnnxType(type) };
        if (shape is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (long d in shape)
                tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
