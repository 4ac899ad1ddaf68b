using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using MlNetGraviton.Models.Weights;
using Onnx;

namespace MlNetGraviton.Models.Graph;

/// <summary>
/// Appends nodes, constants and weights to an ONNX graph with export-style names
/// ("/encoder/layer.0/attention/self/MatMul", output "..._output_0"). Nodes are added in topological order.
/// </summary>
internal sealed class OnnxGraphWriter
{
    private readonly Dictionary<string, int> nodeNameUses = [];
    private readonly Dictionary<string, string> constants = [];

    public OnnxGraphWriter(string graphName)
    {
        Graph = new GraphProto { Name = graphName };
    }

    public GraphProto Graph { get; }

    public WeightSet Weights { get; } = new();

    public string Op(string scope, string opType, IReadOnlyList<string> inputs, params AttributeProto[] attributes) =>
        Op(scope, opType, inputs, 1, attributes)[0];

    public string[] Op(string scope, string opType, IReadOnlyList<string> inputs, int outputCount, params AttributeProto[] attributes)
    {
        string baseName = $"{scope}/{opType}";
        int uses = nodeNameUses.GetValueOrDefault(baseName);
        nodeNameUses[baseName] = uses + 1;
        string name = uses == 0 ? baseName : $"{baseName}_{uses}";

        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        var outputs = new string[outputCount];
        for (int i = 0; i < outputCount; i++)
            outputs[i] = $"{name}_output_{i}";
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return outputs;
    }

    /// <summary>A named float weight, filled from the seed when the model is finished.</summary>
    public string Weight(string name, long[] dims, WeightInit init)
    {
        Graph.Initializer.Add(Weights.Declare(name, dims, init));
        return name;
    }

    /// <summary>A named tensor with given contents (buffers such as position ids or the causal mask).</summary>
    public string Buffer(string name, TensorProto.Types.DataType type, long[] dims, byte[] rawData)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = UnsafeByteOperations.UnsafeWrap(rawData) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return name;
    }

    public string Int64s(params long[] values) =>
        Constant("i64", TensorProto.Types.DataType.Int64, [values.Length], MemoryMarshal.AsBytes(values.AsSpan()).ToArray(),
            string.Join(",", values));

    public string Int64Scalar(long value) =>
        Constant("i64s", TensorProto.Types.DataType.Int64, [], BitConverter.GetBytes(value), value.ToString(CultureInfo.InvariantCulture));

    public string Int32Scalar(int value) =>
        Constant("i32s", TensorProto.Types.DataType.Int32, [], BitConverter.GetBytes(value), value.ToString(CultureInfo.InvariantCulture));

    public string FloatScalar(float value) =>
        Constant("f32s", TensorProto.Types.DataType.Float, [], BitConverter.GetBytes(value), value.ToString("R", CultureInfo.InvariantCulture));

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Attr(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    public void AddInput(string name, TensorProto.Types.DataType type, params object[] dims) => Graph.Input.Add(ValueInfo(name, type, dims));

    public void AddOutput(string producedName, string outputName, TensorProto.Types.DataType type, params object[] dims)
    {
        // Graph outputs carry the export's names; an Identity renames the last node's output.
        Op("/" + outputName, "Identity", [producedName]);
        Graph.Node[^1].Output[0] = outputName;
        Graph.Output.Add(ValueInfo(outputName, type, dims));
    }

    /// <summary>dims: string entries become symbolic dim_param, numbers fixed dim_value.</summary>
    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int value => new TensorShapeProto.Types.Dimension { DimValue = value },
                long value => new TensorShapeProto.Types.Dimension { DimValue = value },
                _ => throw new ArgumentException($"Dimension of '{name}' must be a symbol or a number, got {dim}.", nameof(dims)),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private string Constant(string kind, TensorProto.Types.DataType type, long[] dims, byte[] raw, string key)
    {
        string fullKey = $"{kind}:{key}";
        if (constants.TryGetValue(fullKey, out string? existing))
            return existing;
        string name = $"/Constant_{kind}_{key.Replace(',', '_').Replace('-', 'm')}";
        Buffer(name, type, dims, raw);
        constants[fullKey] = name;
        return name;
    }
}
