namespace MlNetGraviton.Runtime.Graph.Optimization;

/// <summary>
/// The optimizer's mutable copy of an <see cref="OnnxGraph"/>: passes remove nodes, add fused ones and turn values into
/// constants; <see cref="ToGraph"/> puts the nodes back in an order where every input is produced before use.
/// Graph inputs and outputs never change, so the optimized graph answers the same questions as the loaded one.
/// </summary>
internal sealed class WorkingGraph
{
    private int _fresh;

    private WorkingGraph(OnnxGraph graph)
    {
        Source = graph.Source;
        Opsets = new Dictionary<string, long>(graph.Opsets, StringComparer.Ordinal);
        Nodes = [.. graph.Nodes];
        Constants = new Dictionary<string, Tensor>(graph.Constants, StringComparer.Ordinal);
        Inputs = graph.Inputs;
        Outputs = graph.Outputs;
        DeclaredValues = graph.DeclaredValues;
        OutputNames = graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
    }

    public static WorkingGraph From(OnnxGraph graph) => new(graph);

    public string Source { get; }

    public Dictionary<string, long> Opsets { get; }

    public List<GraphNode> Nodes { get; private set; }

    public Dictionary<string, Tensor> Constants { get; }

    public IReadOnlyList<TensorInfo> Inputs { get; }

    public IReadOnlyList<TensorInfo> Outputs { get; }

    public IReadOnlyDictionary<string, TensorInfo> DeclaredValues { get; }

    public HashSet<string> OutputNames { get; }

    public long OpsetOf(string domain) => Opsets.TryGetValue(domain, out long v) ? v : 0;

    public bool IsGraphOutput(string value) => OutputNames.Contains(value);

    public Tensor? ConstantOf(string value) => value.Length > 0 && Constants.TryGetValue(value, out Tensor? t) ? t : null;

    /// <summary>A value name no node, input or constant uses yet, derived from <paramref name="hint"/>.</summary>
    public string NewName(string hint)
    {
        string name;
        do
            name = $"{hint}__opt{_fresh++}";
        while (Constants.ContainsKey(name) || Nodes.Any(n => n.Outputs.Contains(name)));
        return name;
    }

    /// <summary>Removes <paramref name="removed"/> and appends <paramref name="added"/>; <see cref="ToGraph"/> restores the order.</summary>
    public void Replace(IReadOnlySet<GraphNode> removed, IEnumerable<GraphNode> added)
    {
        List<GraphNode> kept = Nodes.Where(n => !removed.Contains(n)).ToList();
        kept.AddRange(added);
        Nodes = Sort(kept);
    }

    /// <summary>Imports <paramref name="domain"/> at <paramref name="version"/> if the graph does not already.</summary>
    public void Import(string domain, long version) => Opsets.TryAdd(domain, version);

    public OnnxGraph ToGraph() => new()
    {
        Source = Source,
        Opsets = Opsets,
        Nodes = Sort(Nodes),
        Constants = Constants,
        Inputs = Inputs,
        Outputs = Outputs,
        DeclaredValues = DeclaredValues,
    };

    /// <summary>Consumers of every value at this moment (rebuild after a change).</summary>
    public ValueIndex Index() => new(this);

    /// <summary>Kahn's order, keeping the current order among ready nodes so unchanged graphs keep their run order.</summary>
    private List<GraphNode> Sort(List<GraphNode> nodes)
    {
        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (string o in nodes[i].Outputs)
                if (o.Length > 0)
                    producer[o] = i;
        var pending = new int[nodes.Count];
        var consumers = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
            consumers[i] = [];
        for (int i = 0; i < nodes.Count; i++)
            foreach (string input in nodes[i].Inputs.Distinct())
                if (input.Length > 0 && !Constants.ContainsKey(input) && producer.TryGetValue(input, out int p))
                {
                    pending[i]++;
                    consumers[p].Add(i);
                }
        List<GraphNode> order = StableTopologicalOrder.Drain(nodes, pending, consumers);
        if (order.Count != nodes.Count)
            throw new InvalidOperationException($"{Source}: the optimizer left a cycle in the graph (an optimizer bug)");
        return order;
    }
}
