using Google.Protobuf;
using Onnx;

namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>Nodes the optimizer writes, with attributes built the way a file would carry them.</summary>
internal static class NewNode
{
    public static GraphNode Create(string name, string opType, string domain, string[] inputs, string[] outputs, params AttributeProto[] attributes) =>
        new(name, opType, domain, inputs, outputs,
            new NodeAttributes(name, attributes, _ => throw new InvalidOperationException($"optimizer node '{name}' has no tensor attributes")));

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
}
