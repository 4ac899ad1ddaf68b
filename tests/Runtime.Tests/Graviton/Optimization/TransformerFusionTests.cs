using MlNetGraviton.Models;
using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Graph.Optimization;
using MlNetGraviton.Runtime.Ops.Fused;

namespace MlNetGraviton.Runtime.Tests.Graviton.Optimization;

/// <summary>
/// The optimizer on the src/Models graphs: every Linear fuses into one GEMM node (counts derived from the builder's
/// config), GELU lands in the epilogue, GPT-2's tied LM head is packed from wte without a stored transpose, and the
/// optimized session matches ONNX Runtime on the original graph.
/// </summary>
public sealed class TransformerFusionTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>, IDisposable
{
    private static readonly GraphOptimizerOptions NoAttention = GraphOptimizerOptions.Default.Without(PassNames.Attention);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<TransformerArchitecture, bool> Graphs()
    {
        var data = new TheoryData<TransformerArchitecture, bool>();
        foreach (var arch in Enum.GetValues<TransformerArchitecture>())
            foreach (bool strong in new[] { false, true })
                data.Add(arch, strong);
        return data;
    }

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Every_linear_becomes_one_fused_gemm(TransformerArchitecture arch, bool strong)
    {
        var (config, path) = models.Get(arch, strong);
        OptimizationResult result = Optimized.Of(path, NoAttention);
        int layers = config.Layers;
        bool gpt2 = arch == TransformerArchitecture.Gpt2;
        // Encoders: Q, K, V, attention output, FFN output per layer (+ the classification head's two Linears);
        // GPT-2: c_attn, c_proj, mlp.c_proj per layer. The FFN input Linear carries the GELU.
        int plainLinears = gpt2 ? 3 * layers : 5 * layers + (config.NumLabels > 0 ? 2 : 0);
        Assert.Equal(layers, result.CountOf(PassNames.GemmGelu));
        Assert.Equal(plainLinears, result.CountOf(PassNames.Gemm));
        Assert.Equal(gpt2 ? 1 : 0, result.CountOf(PassNames.GemmTransposed));
        Assert.Equal(layers + plainLinears + (gpt2 ? 1 : 0), Optimized.Count(result.Graph, "MatMulEpilogue", FusedOps.Domain));
        // What is left of MatMul is attention's two products per layer; no Erf / Tanh GELU pieces remain.
        Assert.Equal(2 * layers, Optimized.Count(result.Graph, "MatMul"));
        Assert.Equal(0, Optimized.Count(result.Graph, "Erf") + Optimized.Count(result.Graph, "Pow"));
        Assert.Equal(gpt2 ? 0 : config.NumLabels > 0 ? 1 : 0, Optimized.Count(result.Graph, "Tanh"));
        Assert.Equal(4 * layers, Optimized.Count(result.Graph, "Transpose"));
    }

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Residual_adds_fuse_into_their_layer_norms_with_the_running_sum_where_it_is_read_again(TransformerArchitecture arch, bool strong)
    {
        // Post-LN encoders: both residual adds of a layer feed only their LayerNorm. GPT-2 (pre-LN): the sum each block adds
        // to goes on to the next block, so SkipLayerNormalization hands it on as output 3 (input_skip_bias_sum), as ORT's
        // fusion does; only the last block's sum is read by ln_f alone. Embeddings: BERT adds positions [1, S, H] broadcast
        // over the batch, which the pass leaves alone (operands of one shape only); RoBERTa's positions are per row, so its
        // embedding LayerNorm fuses too; GPT-2's embedding sum is the first residual.
        var (config, path) = models.Get(arch, strong);
        OptimizationResult result = Optimized.Of(path, NoAttention);
        int layers = config.Layers;
        bool gpt2 = arch == TransformerArchitecture.Gpt2;
        int expected = 2 * layers + (arch == TransformerArchitecture.Roberta ? 1 : 0);
        GraphNode[] skips = result.Graph.Nodes.Where(n => n.OpType == "SkipLayerNormalization").ToArray();
        Assert.Equal(expected, result.CountOf(PassNames.SkipLayerNorm));
        Assert.Equal(expected, skips.Length);
        Assert.Equal(gpt2 ? 2 * layers - 1 : 0, skips.Count(n => n.HasOutput(3)));
        Assert.All(skips.Where(n => n.HasOutput(3)), n => Assert.False(n.HasOutput(1) || n.HasOutput(2)));
    }

    [Fact]
    public void Gpt2_lm_head_is_packed_from_wte_and_no_transposed_copy_is_kept()
    {
        var (_, path) = models.Get(TransformerArchitecture.Gpt2, strong: false);
        OnnxGraph loaded = OnnxGraphLoader.Load(path);
        GraphNode transpose = loaded.Nodes.Single(n => n.OpType == "Transpose" && loaded.Constants.ContainsKey(n.Inputs[0]));
        OptimizationResult result = Optimized.Of(path);
        Assert.DoesNotContain(result.Graph.Nodes, n => n.Inputs.Contains(transpose.Outputs[0]));
        Assert.False(result.Graph.Constants.ContainsKey(transpose.Outputs[0]));
        GraphNode head = result.Graph.Nodes.Single(n => n.OpType == "MatMulEpilogue" && n.Attributes.GetInt("transB", 0) == 1);
        Assert.Equal(transpose.Inputs[0], head.Inputs[1]);
    }

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Folded_graph_without_fusions_runs_on_onnx_runtime_like_the_original(TransformerArchitecture arch, bool strong)
    {
        // Folding, shape folding and dead-node removal only: the written graph is plain ONNX that ORT checks independently.
        var (config, path) = models.Get(arch, strong);
        OptimizationResult result = Optimized.Of(path, GraphOptimizerOptions.Default.Without(
            PassNames.Gemm, PassNames.Gelu, PassNames.LayerNorm, PassNames.SkipLayerNorm, PassNames.Attention));
        // Only GPT-2 has load-time constant work in these graphs: the LM head's Transpose of wte.
        Assert.Equal(arch == TransformerArchitecture.Gpt2 ? 1 : 0, result.CountOf(PassNames.ConstantFolding));
        Assert.Equal(OnnxGraphLoader.Load(path).Nodes.Count - result.CountOf(PassNames.ConstantFolding), result.Graph.Nodes.Count);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, 3, 9, seed: 5);
        Optimized.AllParity(OrtReference.Run(path, inputs), Optimized.RunOnOrt(result.Graph, _folder, inputs), config.Name);
    }

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Optimized_session_matches_onnx_runtime_on_the_original(TransformerArchitecture arch, bool strong)
    {
        var (config, path) = models.Get(arch, strong);
        foreach (var (batch, sequence) in new[] { (1, 7), (3, 9) })
        {
            Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, batch, sequence, seed: 17 * batch + sequence);
            using var session = new GravitonSession(path, threads: 2);
            Optimized.TransformerParity(arch, OrtReference.Run(path, inputs), session.Run(inputs), inputs, $"{config.Name} b{batch} s{sequence}");
        }
    }

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Description_counts_what_fired(TransformerArchitecture arch, bool strong)
    {
        var (config, path) = models.Get(arch, strong);
        using var session = new GravitonSession(path, threads: 1);
        Assert.Contains($"{config.Layers} gemm+bias+gelu", session.Description);
        Assert.Equal(session.Optimization.Summary, session.Description[(session.Description.IndexOf('(') + 1)..session.Description.LastIndexOf(')')]);
    }

    [Fact]
    public void Optimizer_off_runs_the_graph_as_loaded()
    {
        var (_, path) = models.Get(TransformerArchitecture.Bert, strong: false);
        OnnxGraph loaded = OnnxGraphLoader.Load(path);
        using var session = new GravitonSession(loaded, 1, Kernels.CpuFeatures.Current, Precision.Float32, "", GraphOptimizerOptions.None);
        Assert.Same(loaded, session.Optimization.Graph);
        Assert.Contains("optimizer off", session.Description);
    }
}
