using Google.Protobuf;
using Onnx;

namespace MlNetGraviton.Runtime.Tests.Graviton.Optimization;

/// <summary>
/// A hand-written multi-node ONNX graph for optimizer tests: symbolic or fixed float inputs, initializers, nodes in
/// any domain, outputs of unknown shape. Near-miss variants are a line's difference from the pattern they miss.
/// </summary>
internal sealed class SmallGraph(int opset = 17)
{
    private readonly GraphProto _graph = new() { Name = "optimizer test" };
    private readonly HashSet<string> _domains = [];
    private int _nodes;

    /// <summary>A float input; a dimension is a size (≥ 0) or a symbol name.</summary>
    public SmallGraph Input(string name, params object[] dims) => Input(name, TensorProto.Types.DataType.Float, dims);

    /// <summary>An int64 input (token ids, attention masks).</summary>
    public SmallGraph Int64Input(string name, params object[] dims) => Input(name, TensorProto.Types.DataType.Int64, dims);

    private SmallGraph Input(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        _graph.Input.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        });
        return this;
    }

    public string Constant(string name, Tensor value)
    {
        _graph.Initializer.Add(OneNodeModel.ToProto(name, value));
        return name;
    }

    public string Scalar(string name, float value) => Constant(name, Tensor.Create([value]));

    public string Random(string name, int seed, params long[] shape) =>
        Constant(name, Tensor.Create(RandomTensors.Floats((int)Tensor.ElementCountOf(shape), seed), shape));

    public string Node(string opType, string[] inputs, string? output = null, string domain = "", params AttributeProto[] attributes)
    {
        output ??= $"{opType}_{_nodes}";
        var node = new NodeProto { Name = $"n{_nodes++}_{opType}", OpType = opType, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        if (domain.Length > 0)
            _domains.Add(domain);
        return output;
    }

    public SmallGraph Output(string name)
    {
        _graph.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
        });
        return this;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public byte[] Bytes()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "optimizer tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        foreach (string d in _domains)
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = d, Version = 1 });
        return model.ToByteArray();
    }

    public string Save(TempFolder folder)
    {
        string path = folder.File($"graph-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, Bytes());
        return path;
    }
}
