namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>Who produces and who reads each value of a <see cref="WorkingGraph"/>, as of when the index was built.</summary>
internal sealed class ValueIndex
{
    private readonly Dictionary<string, GraphNode> _producer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<GraphNode>> _consumers = new(StringComparer.Ordinal);
    private readonly WorkingGraph _graph;

    public ValueIndex(WorkingGraph graph)
    {
        _graph = graph;
        foreach (GraphNode node in graph.Nodes)
        {
            foreach (string o in node.Outputs)
                if (o.Length > 0)
                    _producer[o] = node;
            foreach (string i in node.Inputs.Distinct())
                if (i.Length > 0)
                {
                    if (!_consumers.TryGetValue(i, out List<GraphNode>? list))
                        _consumers[i] = list = [];
                    list.Add(node);
                }
        }
    }

    public GraphNode? Producer(string value) => _producer.GetValueOrDefault(value);

    public IReadOnlyList<GraphNode> Consumers(string value) =>
        _consumers.TryGetValue(value, out List<GraphNode>? list) ? list : [];

    /// <summary>True when <paramref name="value"/> is read by exactly one node and is not a graph output.</summary>
    public bool SingleUse(string value) => Consumers(value).Count == 1 && !_graph.IsGraphOutput(value);

    /// <summary>The node producing <paramref name="value"/> when it is <paramref name="opType"/> in the default domain.</summary>
    public GraphNode? ProducerIs(string value, string opType)
    {
        GraphNode? p = Producer(value);
        return p is not null && p.Domain.Length == 0 && p.OpType == opType ? p : null;
    }
}
