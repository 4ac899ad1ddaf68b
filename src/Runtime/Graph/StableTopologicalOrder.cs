namespace MlNetGraviton.Runtime.Graph;

/// <summary>
/// The drain step of Kahn's algorithm shared by the loader and the optimizer: given how many producers each node still
/// waits for and who consumes each node, emit nodes as they become ready, lowest index first, so a graph already in
/// order keeps its order. A result shorter than <paramref name="nodes"/> means a cycle; callers word that error.
/// </summary>
internal static class StableTopologicalOrder
{
    public static List<GraphNode> Drain(List<GraphNode> nodes, int[] pending, List<int>[] consumers)
    {
        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < nodes.Count; i++)
            if (pending[i] == 0)
                ready.Enqueue(i, i);
        var order = new List<GraphNode>(nodes.Count);
        while (ready.TryDequeue(out int i, out _))
        {
            order.Add(nodes[i]);
            foreach (int c in consumers[i])
                if (--pending[c] == 0)
                    ready.Enqueue(c, c);
        }
        return order;
    }
}
