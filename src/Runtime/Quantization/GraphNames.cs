using Onnx;

namespace MlNetGraviton.Runtime.Quantization;

/// <summary>Every node and value name in a graph, so that names written by a rewrite never collide with existing ones.</summary>
internal sealed class GraphNames
{
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public GraphNames(GraphProto graph)
    {
        foreach (NodeProto n in graph.Node)
        {
            _used.Add(n.Name);
            _used.UnionWith(n.Input);
            _used.UnionWith(n.Output);
        }
        foreach (TensorProto t in graph.Initializer)
            _used.Add(t.Name);
        foreach (ValueInfoProto v in graph.Input.Concat(graph.Output).Concat(graph.ValueInfo))
            _used.Add(v.Name);
    }

    /// <summary><paramref name="wanted"/> if free, else wanted_1, wanted_2, …; the name is then taken.</summary>
    public string Claim(string wanted)
    {
        string name = wanted;
        for (int i = 1; !_used.Add(name); i++)
            name = $"{wanted}_{i}";
        return name;
    }
}
