namespace MlNetGraviton.Runtime;

/// <summary>
/// The arithmetic an encoder graph does per token, counted from the ONNX file: the multiply-adds of every MatMul, Gemm or
/// quantized MatMul (and ORT's fused Attention's QKV projection) whose weight is a constant 2-D initializer (K·N per token), and for attention, 2·S·width per token and
/// layer at sequence S (Q·Kᵀ and the context), with one attention layer per Softmax or fused Attention node and the width
/// taken as the first weight's input size: the layout of BERT, RoBERTa and DistilBERT encoders. Used to turn a measured
/// rate into GFLOP/s against the machine's measured peak; it describes work, not how an engine schedules it.
/// </summary>
public sealed class ModelWork
{
    private ModelWork(long weightMacsPerToken, int attentionLayers, long attentionWidth)
    {
        WeightMacsPerToken = weightMacsPerToken;
        AttentionLayers = attentionLayers;
        AttentionWidth = attentionWidth;
    }

    /// <summary>Σ K·N over the constant-weight matrix products: multiply-adds per token outside attention.</summary>
    public long WeightMacsPerToken { get; }

    /// <summary>Attention layers (Softmax or fused Attention / MultiHeadAttention nodes).</summary>
    public int AttentionLayers { get; }

    /// <summary>Width of Q·Kᵀ and of the context (heads × head size): the first weight's input size.</summary>
    public long AttentionWidth { get; }

    /// <summary>
    /// Counts the work of the ONNX file at <paramref name="modelPath"/> that <paramref name="outputs"/> depend on (none
    /// given: every graph output), so a head a job does not ask for (BERT's pooler beside last_hidden_state) is left out.
    /// </summary>
    public static ModelWork Of(string modelPath, params string[] outputs)
    {
        Graph.OnnxGraph graph = Graph.OnnxGraphLoader.Load(modelPath);
        var producers = new Dictionary<string, Graph.GraphNode>(StringComparer.Ordinal);
        foreach (Graph.GraphNode node in graph.Nodes)
            foreach (string output in node.Outputs)
                if (output.Length > 0)
                    producers[output] = node;
        var wanted = new Stack<string>(outputs.Length > 0 ? outputs : graph.Outputs.Select(o => o.Name));
        foreach (string name in wanted)
            if (!graph.Outputs.Any(o => o.Name == name))
                throw new ArgumentException($"'{Path.GetFileName(modelPath)}' has no output '{name}' (outputs: {string.Join(", ", graph.Outputs.Select(o => o.Name))})", nameof(outputs));
        var needed = new HashSet<Graph.GraphNode>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (wanted.Count > 0)
        {
            string value = wanted.Pop();
            if (!seen.Add(value) || !producers.TryGetValue(value, out Graph.GraphNode? producer) || !needed.Add(producer))
                continue;
            foreach (string input in producer.Inputs)
                if (input.Length > 0)
                    wanted.Push(input);
        }
        long macs = 0, width = 0;
        int layers = 0;
        foreach (Graph.GraphNode node in graph.Nodes.Where(needed.Contains))
        {
            bool attention = node.OpType is "Attention" or "MultiHeadAttention" && node.Domain == "com.microsoft";
            if (attention || node.OpType == "Softmax")
                layers++;
            if ((attention || node.OpType is "MatMul" or "Gemm" or "FusedGemm" or "MatMulInteger" or "DynamicQuantizeMatMul"
                    or "MatMulIntegerToFloat" or "FusedMatMul")
                && node.HasInput(1) && ConstantWeight(graph, producers, node.Inputs[1]) is { Rank: 2 } weight)
            {
                // Attention's weights are [hidden, Q + K + V]; every other product's are [K, N] (Gemm: [N, K] with transB).
                long[] shape = weight.Shape;
                macs += shape[0] * shape[1];
                if (width == 0)
                    width = node.OpType is "Gemm" or "FusedGemm" && node.Attributes.GetInt("transB", 0) != 0 ? shape[1] : shape[0];
            }
        }
        if (macs == 0)
            throw new InvalidDataException($"'{Path.GetFileName(modelPath)}' has no matrix product with a constant 2-D weight to count");
        return new ModelWork(macs, layers, width);
    }

    /// <summary>A constant initializer, or one seen through a Transpose (GPT-2's LM head tied to the token embedding).</summary>
    private static Tensor? ConstantWeight(Graph.OnnxGraph graph, Dictionary<string, Graph.GraphNode> producers, string name)
    {
        if (graph.Constants.TryGetValue(name, out Tensor? weight))
            return weight;
        return producers.TryGetValue(name, out Graph.GraphNode? producer) && producer.OpType == "Transpose" && producer.HasInput(0)
            && graph.Constants.TryGetValue(producer.Inputs[0], out Tensor? source) ? source : null;
    }

    /// <summary>
    /// Floating-point operations (2 per multiply-add) of batches totalling <paramref name="positions"/> token positions
    /// (Σ rows·S, padding included) and Σ rows·S² = <paramref name="positionsTimesSequence"/>.
    /// </summary>
    public double Flops(long positions, long positionsTimesSequence) =>
        2.0 * ((double)positions * WeightMacsPerToken + 2.0 * AttentionLayers * AttentionWidth * (double)positionsTimesSequence);
}
