using Onnx;

namespace MlNetGraviton.Runtime.Graph;

/// <summary>Typed access to a node's attributes; a present attribute of the wrong kind is a model error naming the node.</summary>
internal sealed class NodeAttributes
{
    private readonly Dictionary<string, AttributeProto> _byName;
    private readonly string _nodeName;
    private readonly Func<TensorProto, Tensor> _readTensor;

    public NodeAttributes(string nodeName, IEnumerable<AttributeProto> attributes, Func<TensorProto, Tensor> readTensor)
    {
        _nodeName = nodeName;
        _readTensor = readTensor;
        _byName = new Dictionary<string, AttributeProto>(StringComparer.Ordinal);
        foreach (AttributeProto a in attributes)
            if (!_byName.TryAdd(a.Name, a))
                throw new OnnxModelException($"node '{nodeName}' has attribute '{a.Name}' twice");
    }

    public IEnumerable<string> Names => _byName.Keys;

    /// <summary>The attributes as the file carried them (for writing a graph back to ONNX).</summary>
    internal IEnumerable<AttributeProto> Protos => _byName.Values;

    public bool Has(string name) => _byName.ContainsKey(name);

    public long GetInt(string name, long fallback) =>
        _byName.TryGetValue(name, out AttributeProto? a) ? Expect(a, AttributeProto.Types.AttributeType.Int).I : fallback;

    public float GetFloat(string name, float fallback) =>
        _byName.TryGetValue(name, out AttributeProto? a) ? Expect(a, AttributeProto.Types.AttributeType.Float).F : fallback;

    public string? GetString(string name) =>
        _byName.TryGetValue(name, out AttributeProto? a) ? Expect(a, AttributeProto.Types.AttributeType.String).S.ToStringUtf8() : null;

    public long[]? GetInts(string name) =>
        _byName.TryGetValue(name, out AttributeProto? a) ? Expect(a, AttributeProto.Types.AttributeType.Ints).Ints.ToArray() : null;

    public float[]? GetFloats(string name) =>
        _byName.TryGetValue(name, out AttributeProto? a) ? Expect(a, AttributeProto.Types.AttributeType.Floats).Floats.ToArray() : null;

    public Tensor? GetTensor(string name) =>
        _byName.TryGetValue(name, out AttributeProto? a) ? _readTensor(Expect(a, AttributeProto.Types.AttributeType.Tensor).T) : null;

    private AttributeProto Expect(AttributeProto a, AttributeProto.Types.AttributeType type)
    {
        // Old writers leave the type unset; accept that when the field the caller wants is the one present.
        if (a.Type != type && a.Type != AttributeProto.Types.AttributeType.Undefined)
            throw new OnnxModelException($"node '{_nodeName}': attribute '{a.Name}' is {a.Type}, expected {type}");
        return a;
    }
}
