using MlNetGraviton.Kernels;
using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Ops;

namespace MlNetGraviton.Runtime.Execution;

/// <summary>
/// A graph compiled for running: every value has a slot, every node a kernel and slot lists, in topological order.
/// Immutable after construction; each <see cref="Run"/> keeps its own slots and buffer counts, so runs may overlap.
/// Intermediate buffers go back to the <see cref="TensorPool"/> as soon as their last reader has run.
/// </summary>
internal sealed class ExecutionPlan
{
    private const int Forever = 1 << 30; // the use count of a buffer that leaves the run (a graph output)

    private readonly PlannedNode[] _nodes;
    private readonly Tensor?[] _constantSlots;
    private readonly Dictionary<string, int> _slotOf;
    private readonly int _slotCount;

    private ExecutionPlan(PlannedNode[] nodes, Tensor?[] constantSlots, Dictionary<string, int> slotOf)
    {
        _nodes = nodes;
        _constantSlots = constantSlots;
        _slotOf = slotOf;
        _slotCount = constantSlots.Length;
    }

    public int NodeCount => _nodes.Length;

    /// <summary>The kernel chosen for each node, in run order (for descriptions and tests).</summary>
    public IEnumerable<(GraphNode Node, OpKernel Kernel)> Kernels => _nodes.Select(n => (n.Node, n.Kernel));

    /// <summary>The nodes in run order (indices match <see cref="NodeProfile"/>'s).</summary>
    public IReadOnlyList<GraphNode> Nodes => _nodes.Select(n => n.Node).ToArray();

    /// <summary>
    /// Compiles every node to its kernel; constant weights of GEMMs are packed by <paramref name="weights"/>
    /// (null: for the fp32 kernel <paramref name="cpu"/> selects).
    /// </summary>
    public static ExecutionPlan Build(OnnxGraph graph, OpRegistry registry, CpuFeatures cpu, WeightPacking? weights = null)
    {
        var slotOf = new Dictionary<string, int>(StringComparer.Ordinal);
        int Slot(string name)
        {
            if (!slotOf.TryGetValue(name, out int s))
                slotOf[name] = s = slotOf.Count;
            return s;
        }
        foreach (string name in graph.Constants.Keys)
            Slot(name);
        foreach (TensorInfo input in graph.Inputs)
            Slot(input.Name);

        // Every unsupported op is found before anything is built, so one error lists all of them.
        var missing = graph.Nodes.Where(n => !registry.TryGet(n.Domain, n.OpType, graph.OpsetOf(n.Domain), out _)).ToList();
        if (missing.Count > 0)
            throw Unsupported(missing, graph, registry);

        var nodes = new List<PlannedNode>(graph.Nodes.Count);
        foreach (GraphNode node in graph.Nodes)
        {
            long opset = graph.OpsetOf(node.Domain);
            registry.TryGet(node.Domain, node.OpType, opset, out OpFactory factory);
            OpKernel kernel = factory(new OpLoadContext(node, opset, graph.Constants, cpu, weights));
            int[] inputs = node.Inputs.Select(i => i.Length == 0 ? -1 : Slot(i)).ToArray();
            int[] outputs = node.Outputs.Select(o => o.Length == 0 ? -1 : Slot(o)).ToArray();
            nodes.Add(new PlannedNode(node, kernel, inputs, outputs));
        }
        foreach (TensorInfo output in graph.Outputs)
            Slot(output.Name);

        var constants = new Tensor?[slotOf.Count];
        foreach (var (name, tensor) in graph.Constants)
            constants[slotOf[name]] = tensor;
        return new ExecutionPlan(nodes.ToArray(), constants, slotOf);
    }

    private static UnsupportedOperatorException Unsupported(List<GraphNode> missing, OnnxGraph graph, OpRegistry registry)
    {
        GraphNode node = missing[0];
        long opset = graph.OpsetOf(node.Domain);
        IReadOnlyList<OpRegistration> ranges = registry.RangesOf(node.Domain, node.OpType);
        string reason = ranges.Count == 0
            ? "is not supported by the graviton engine"
            : $"is not supported at this opset by the graviton engine (supported: opsets {string.Join(", ", ranges.Select(r => $"{r.Since}..{r.Until}"))})";
        var others = missing
            .GroupBy(n => (n.Domain, n.OpType))
            .Select(g => $"{g.Key.OpType} ({UnsupportedOperatorException.DisplayDomain(g.Key.Domain)}) × {g.Count()}")
            .ToList();
        if (others.Count > 1 || missing.Count > 1)
            reason += $"; unsupported ops in {graph.Source}: {string.Join(", ", others)}";
        return new UnsupportedOperatorException(node.Name, node.OpType, node.Domain, opset, reason);
    }

    /// <summary>Runs the nodes the requested outputs need. Inputs must already be validated.</summary>
    public Dictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, string[] outputNames, TensorPool pool, int threads,
        NodeProfile? profile = null)
    {
        var values = (Tensor?[])_constantSlots.Clone();
        foreach (var (name, tensor) in inputs)
            if (_slotOf.TryGetValue(name, out int slot))
                values[slot] = tensor;

        // Which nodes the requested outputs depend on, and how many times each slot will be read.
        var neededSlot = new bool[_slotCount];
        foreach (string name in outputNames)
            neededSlot[_slotOf[name]] = true;
        var neededNode = new bool[_nodes.Length];
        for (int i = _nodes.Length - 1; i >= 0; i--)
        {
            PlannedNode n = _nodes[i];
            if (!n.Outputs.Any(o => o >= 0 && neededSlot[o]))
                continue;
            neededNode[i] = true;
            foreach (int s in n.Inputs)
                if (s >= 0)
                    neededSlot[s] = true;
        }
        var reads = new int[_slotCount];
        for (int i = 0; i < _nodes.Length; i++)
            if (neededNode[i])
                foreach (int s in _nodes[i].Inputs)
                    if (s >= 0)
                        reads[s]++;
        var isOutput = new bool[_slotCount];
        foreach (string name in outputNames)
            isOutput[_slotOf[name]] = true;

        var rented = new HashSet<Array>(ReferenceEqualityComparer.Instance);
        var uses = new Dictionary<Array, int>(ReferenceEqualityComparer.Instance);
        var context = new OpContext(values, pool, rented, threads);
        for (int i = 0; i < _nodes.Length; i++)
        {
            if (!neededNode[i])
                continue;
            PlannedNode n = _nodes[i];
            context.Point(n.Inputs, n.Outputs);
            long started = profile is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                n.Kernel.Run(context);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException
                                          or OverflowException or DivideByZeroException or NotSupportedException)
            {
                throw new GraphExecutionException(n.Node.Name, n.Node.OpType, e);
            }
            profile?.Add(i, System.Diagnostics.Stopwatch.GetTimestamp() - started);

            // Count the readers of each new buffer (aliases such as Reshape add to the count of the buffer they share).
            foreach (int s in n.Outputs)
            {
                if (s < 0)
                    continue;
                Tensor t = values[s] ?? throw new GraphExecutionException(n.Node.Name, n.Node.OpType,
                    new InvalidOperationException($"the kernel did not produce output '{n.Node.Outputs[Array.IndexOf(n.Outputs, s)]}'"));
                if (rented.Contains(t.Data))
                    uses[t.Data] = uses.GetValueOrDefault(t.Data) + reads[s] + (isOutput[s] ? Forever : 0);
            }
            foreach (int s in n.Outputs)
                if (s >= 0 && values[s] is { } t)
                    Release(t.Data, 0);
            foreach (int s in n.Inputs)
            {
                if (s < 0)
                    continue;
                Tensor t = values[s]!;
                if (--reads[s] == 0 && !isOutput[s])
                    values[s] = _constantSlots[s]; // drop the reference; constants stay
                Release(t.Data, 1);
            }
        }

        void Release(Array data, int count)
        {
            if (!uses.TryGetValue(data, out int left))
                return;
            left -= count;
            if (left > 0)
            {
                uses[data] = left;
                return;
            }
            uses.Remove(data);
            rented.Remove(data);
            TensorElementType type = ElementTypeOf(data);
            context.Released(type, data);
            pool.Return(type, data);
        }
        pool.NoteRun(context.PeakBytes);

        var result = new Dictionary<string, Tensor>(outputNames.Length, StringComparer.Ordinal);
        var handedOut = new HashSet<Array>(ReferenceEqualityComparer.Instance);
        foreach (string name in outputNames)
        {
            Tensor t = values[_slotOf[name]] ?? throw new InvalidOperationException($"output '{name}' was not computed");
            // Inputs, constants and buffers already returned under another name are copied, so callers own what they get.
            if (!rented.Contains(t.Data) || !handedOut.Add(t.Data))
                t = Copy(t);
            result[name] = t;
        }
        return result;
    }

    private static Tensor Copy(Tensor t)
    {
        Tensor copy = Tensor.Zeros(t.ElementType, t.Shape);
        Array.Copy(t.Data, copy.Data, t.ElementCount);
        return copy;
    }

    private static TensorElementType ElementTypeOf(Array data) => data switch
    {
        float[] => TensorElementType.Float32,
        Half[] => TensorElementType.Float16,
        long[] => TensorElementType.Int64,
        int[] => TensorElementType.Int32,
        sbyte[] => TensorElementType.Int8,
        byte[] => TensorElementType.UInt8,
        bool[] => TensorElementType.Bool,
        _ => throw new ArgumentException($"unexpected buffer type {data.GetType()}", nameof(data)),
    };

    private sealed record PlannedNode(GraphNode Node, OpKernel Kernel, int[] Inputs, int[] Outputs);
}
