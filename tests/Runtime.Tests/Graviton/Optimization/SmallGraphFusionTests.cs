using MlNetGraviton.Kernels;
using MlNetGraviton.Runtime.Execution;
using MlNetGraviton.Runtime.Graph;
using MlNetGraviton.Runtime.Ops;
using MlNetGraviton.Runtime.Graph.Optimization;
using MlNetGraviton.Runtime.Ops.Fused;

namespace MlNetGraviton.Runtime.Tests.Graviton.Optimization;

/// <summary>
/// Each pass on a hand-written graph: it fires on the pattern, and not on near-misses (non-constant weight, bias of the
/// wrong shape, an intermediate used twice, a wrong constant). Whatever fired, the graviton session must still match
/// ONNX Runtime on the original graph.
/// </summary>
public sealed class SmallGraphFusionTests : IDisposable
{
    private const int K = 24, N = 40;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static Dictionary<string, Tensor> Feeds(int seed, params (string Name, long[] Shape)[] inputs) =>
        inputs.ToDictionary(i => i.Name, i => Tensor.Create(RandomTensors.Floats((int)Tensor.ElementCountOf(i.Shape), seed++, 2f), i.Shape));

    /// <summary>Optimizes, checks the session against ORT on the original, returns the optimizer's result.</summary>
    private OptimizationResult Check(SmallGraph graph, Dictionary<string, Tensor> feeds)
    {
        string path = graph.Save(_folder);
        OptimizationResult result = Optimized.Of(path);
        using var session = new GravitonSession(path, threads: 2);
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(path, feeds), actual = session.Run(feeds);
        Optimized.AllParity(expected, actual, "small graph");
        // Element-wise too: erf and tanh GELU differ by under 5e-4, which the parity bar alone would let through.
        foreach (var (name, tensor) in expected)
            TensorAssert.Same(tensor, actual[name], name, tolerance: 2e-5f);
        return result;
    }

    private static SmallGraph Linear(out string y, string? bias = null, bool constantWeight = true, int opset = 17, int rank = 3)
    {
        var g = new SmallGraph(opset);
        if (rank == 3)
            g.Input("x", "batch", "sequence", K);
        else
            g.Input("x", 4, K);
        string w = constantWeight ? g.Random("w", 1, K, N) : "w";
        if (!constantWeight)
            g.Input("w", K, N);
        string product = g.Node("MatMul", ["x", w]);
        y = g.Node("Add", [bias ?? g.Random("b", 2, N), product]);
        return g;
    }

    private static string GeluErf(SmallGraph g, string x, float half = 0.5f)
    {
        string erf = g.Node("Erf", [g.Node("Div", [x, g.Scalar("sqrt2", MathF.Sqrt(2f))])]);
        string onePlus = g.Node("Add", [erf, g.Scalar("one", 1f)]);
        return g.Node("Mul", [g.Node("Mul", [x, onePlus]), g.Scalar("half", half)]);
    }

    private static string GeluTanh(SmallGraph g, string x)
    {
        string cube = g.Node("Mul", [g.Scalar("c1", 0.044715f), g.Node("Pow", [x, g.Scalar("three", 3f)])]);
        string inner = g.Node("Mul", [g.Scalar("c2", MathF.Sqrt(2f / MathF.PI)), g.Node("Add", [x, cube])]);
        string onePlus = g.Node("Add", [g.Scalar("one", 1f), g.Node("Tanh", [inner])]);
        return g.Node("Mul", [g.Node("Mul", [g.Scalar("half", 0.5f), x]), onePlus]);
    }

    private static (string, long[]) X3 => ("x", [3, 5, K]);

    [Fact]
    public void MatMul_add_erf_gelu_fuses_into_one_node()
    {
        SmallGraph g = Linear(out string y);
        g.Output(GeluErf(g, y));
        OptimizationResult r = Check(g, Feeds(1, X3));
        Assert.Equal(1, r.CountOf(PassNames.GemmGelu));
        Assert.Single(r.Graph.Nodes);
        Assert.Equal("gelu_erf", r.Graph.Nodes[0].Attributes.GetString("activation"));
    }

    [Fact]
    public void MatMul_add_tanh_gelu_fuses_into_one_node()
    {
        SmallGraph g = Linear(out string y);
        g.Output(GeluTanh(g, y));
        OptimizationResult r = Check(g, Feeds(2, X3));
        Assert.Equal(1, r.CountOf(PassNames.GemmGelu));
        Assert.Equal("gelu_tanh", Assert.Single(r.Graph.Nodes).Attributes.GetString("activation"));
    }

    [Theory]
    [InlineData("Gelu", false, "gelu_erf")]
    [InlineData("FastGelu", false, "gelu_tanh")]
    [InlineData("BiasGelu", true, "gelu_erf")]
    [InlineData("FastGelu", true, "gelu_tanh")]
    public void Contrib_gelu_nodes_fuse(string op, bool carriesBias, string activation)
    {
        var g = new SmallGraph();
        g.Input("x", "batch", "sequence", K);
        string product = g.Node("MatMul", ["x", g.Random("w", 1, K, N)]);
        string b = g.Random("b", 2, N);
        string y = carriesBias ? g.Node(op, [product, b], domain: "com.microsoft") : g.Node(op, [g.Node("Add", [product, b])], domain: "com.microsoft");
        g.Output(y);
        string path = g.Save(_folder);
        // A registry that knows the contrib op by name only: the fusion must absorb it, so its kernel is never built.
        OpRegistry registry = FusedOps.Register(StandardOps.Create())
            .Add("com.microsoft", op, 1, 1, c => throw new InvalidOperationException($"{c.Node} should have been fused"));
        OptimizationResult r = GraphOptimizer.Optimize(OnnxGraphLoader.Load(path), registry, CpuFeatures.Current);
        Assert.Equal(1, r.CountOf(PassNames.GemmGelu));
        Assert.Equal(activation, Assert.Single(r.Graph.Nodes).Attributes.GetString("activation"));
        Dictionary<string, Tensor> feeds = Feeds(3, X3);
        using var session = new GravitonSession(r.Graph, 1, CpuFeatures.Current, Precision.Float32, "", GraphOptimizerOptions.None);
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(path, feeds), actual = session.Run(feeds);
        Optimized.AllParity(expected, actual, op);
        TensorAssert.Same(expected[y], actual[y], op, tolerance: 2e-5f);
    }

    [Fact]
    public void Rank_two_input_fuses_too()
    {
        SmallGraph g = Linear(out string y, rank: 2);
        g.Output(y);
        OptimizationResult r = Check(g, Feeds(4, ("x", [4, K])));
        Assert.Equal(1, r.CountOf(PassNames.Gemm));
    }

    [Fact]
    public void Non_constant_weight_does_not_fuse()
    {
        SmallGraph g = Linear(out string y, constantWeight: false);
        g.Output(GeluErf(g, y));
        OptimizationResult r = Check(g, Feeds(5, X3, ("w", [K, N])));
        Assert.Equal(0, r.CountOf(PassNames.Gemm) + r.CountOf(PassNames.GemmGelu));
        Assert.Equal(0, Optimized.Count(r.Graph, "MatMulEpilogue"));
    }

    [Fact]
    public void Bias_of_the_wrong_shape_does_not_fuse()
    {
        // A [4, N] constant added to a [4, N] product is valid ONNX but not a per-column bias.
        var g = new SmallGraph();
        g.Input("x", 4, K);
        string y = g.Node("Add", [g.Node("MatMul", ["x", g.Random("w", 1, K, N)]), g.Random("b", 2, 4, N)]);
        g.Output(y);
        OptimizationResult r = Check(g, Feeds(6, ("x", [4, K])));
        Assert.Equal(0, Optimized.Count(r.Graph, "MatMulEpilogue"));
    }

    [Fact]
    public void Product_used_twice_does_not_fuse_its_bias()
    {
        var g = new SmallGraph();
        g.Input("x", "batch", "sequence", K);
        string product = g.Node("MatMul", ["x", g.Random("w", 1, K, N)]);
        g.Output(g.Node("Add", [product, g.Random("b", 2, N)]));
        g.Output(g.Node("Relu", [product]));
        OptimizationResult r = Check(g, Feeds(7, X3));
        Assert.Equal(0, Optimized.Count(r.Graph, "MatMulEpilogue"));
    }

    [Fact]
    public void Gelu_input_used_outside_the_pattern_keeps_the_gelu_separate()
    {
        SmallGraph g = Linear(out string y);
        g.Output(GeluErf(g, y));
        g.Output(g.Node("Relu", [y]));
        OptimizationResult r = Check(g, Feeds(8, X3));
        Assert.Equal(1, r.CountOf(PassNames.Gemm));
        Assert.Equal(0, r.CountOf(PassNames.GemmGelu));
        Assert.Equal(1, Optimized.Count(r.Graph, "Erf"));
    }

    [Fact]
    public void Wrong_gelu_constant_keeps_the_gelu_separate()
    {
        SmallGraph g = Linear(out string y);
        g.Output(GeluErf(g, y, half: 0.6f));
        OptimizationResult r = Check(g, Feeds(9, X3));
        Assert.Equal(1, r.CountOf(PassNames.Gemm));
        Assert.Equal(0, r.CountOf(PassNames.GemmGelu));
    }

    [Fact]
    public void Fused_gemm_names_the_node_when_a_run_feeds_the_wrong_inner_size()
    {
        var g = new SmallGraph();
        g.Input("x", "batch", "features");
        g.Output(g.Node("Add", [g.Node("MatMul", ["x", g.Random("w", 1, K, N)]), g.Random("b", 2, N)]));
        using var session = new GravitonSession(g.Save(_folder), threads: 1);
        Assert.Contains("1 gemm+bias", session.Description);
        var e = Assert.Throws<GraphExecutionException>(() => session.Run(Feeds(1, ("x", [2, K + 1]))));
        Assert.Equal(MatMulEpilogueKernel.OpType, e.OpType);
        Assert.Contains("/fused_gemm", e.NodeName);
        Assert.Contains($"last dimension must be {K}", e.Message);
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    public void Decomposed_layernorm_fuses(int opset)
    {
        var g = new SmallGraph(opset);
        g.Input("x", "batch", "sequence", N);
        string mean = g.Node("ReduceMean", ["x"], attributes: SmallGraph.Ints("axes", -1));
        string d = g.Node("Sub", ["x", mean]);
        string variance = g.Node("ReduceMean", [g.Node("Pow", [d, g.Scalar("two", 2f)])], attributes: SmallGraph.Ints("axes", -1));
        string std = g.Node("Sqrt", [g.Node("Add", [variance, g.Scalar("eps", 1e-5f)])]);
        string y = g.Node("Add", [g.Node("Mul", [g.Node("Div", [d, std]), g.Random("gamma", 3, N)]), g.Random("beta", 4, N)]);
        g.Output(y);
        OptimizationResult r = Check(g, Feeds(10, ("x", [2, 3, N])));
        Assert.Equal(1, r.CountOf(PassNames.LayerNorm));
        Assert.Equal(opset >= 17 ? "" : FusedOps.Domain, Assert.Single(r.Graph.Nodes).Domain);
        if (opset >= 17)
        {
            // Plain ONNX: ORT checks the rewrite on its own.
            Dictionary<string, Tensor> feeds = Feeds(11, ("x", [2, 3, N]));
            string path = g.Save(_folder);
            Optimized.AllParity(OrtReference.Run(path, feeds), Optimized.RunOnOrt(r.Graph, _folder, feeds), "layernorm");
        }
    }

    [Fact]
    public void Layernorm_with_its_centred_value_used_elsewhere_does_not_fuse()
    {
        var g = new SmallGraph();
        g.Input("x", "batch", "sequence", N);
        string mean = g.Node("ReduceMean", ["x"], attributes: SmallGraph.Ints("axes", -1));
        string d = g.Node("Sub", ["x", mean]);
        string variance = g.Node("ReduceMean", [g.Node("Pow", [d, g.Scalar("two", 2f)])], attributes: SmallGraph.Ints("axes", -1));
        string std = g.Node("Sqrt", [g.Node("Add", [variance, g.Scalar("eps", 1e-5f)])]);
        g.Output(g.Node("Add", [g.Node("Mul", [g.Node("Div", [d, std]), g.Random("gamma", 3, N)]), g.Random("beta", 4, N)]));
        g.Output(g.Node("Relu", [d]));
        OptimizationResult r = Check(g, Feeds(12, ("x", [2, 3, N])));
        Assert.Equal(0, r.CountOf(PassNames.LayerNorm));
    }

    [Fact]
    public void Shapes_of_fixed_dimensions_fold_while_batch_and_sequence_stay_symbolic()
    {
        // Reshape(x, Concat(batch, sequence, 8, hidden / 8)) with hidden read from Shape(x): HF's head split.
        var g = new SmallGraph();
        g.Input("x", "batch", "sequence", N);
        string shape = g.Node("Shape", ["x"]);
        string batch = g.Node("Unsqueeze", [g.Node("Gather", [shape, g.Constant("i0", Tensor.Create([0L]))]), g.Constant("ax0", Tensor.Create([0L], 1))]);
        string sequence = g.Node("Unsqueeze", [g.Node("Gather", [shape, g.Constant("i1", Tensor.Create([1L]))]), g.Constant("ax1", Tensor.Create([0L], 1))]);
        string hidden = g.Node("Gather", [shape, g.Constant("i2", Tensor.Create([2L]))]);
        string headDim = g.Node("Unsqueeze", [g.Node("Div", [hidden, g.Constant("heads", Tensor.Create([8L]))]), g.Constant("ax2", Tensor.Create([0L], 1))]);
        string target = g.Node("Concat", [batch, sequence, g.Constant("eight", Tensor.Create([8L], 1)), headDim], attributes: SmallGraph.Int("axis", 0));
        g.Output(g.Node("Reshape", ["x", target]));
        OptimizationResult r = Check(g, Feeds(13, ("x", [2, 3, N])));
        Assert.Equal(1, r.CountOf(PassNames.ShapeFolding));
        Assert.True(r.CountOf(PassNames.ConstantFolding) >= 2); // Div and Unsqueeze of the folded hidden size
        Assert.Equal(2, Optimized.Count(r.Graph, "Gather")); // batch and sequence stay symbolic
        Dictionary<string, Tensor> feeds = Feeds(14, ("x", [2, 3, N]));
        Optimized.AllParity(OrtReference.Run(g.Save(_folder), feeds), Optimized.RunOnOrt(r.Graph, _folder, feeds), "shape folding");
    }

    [Fact]
    public void Shape_of_a_fully_fixed_value_folds_entirely()
    {
        var g = new SmallGraph();
        g.Input("x", 2, 3, N);
        string shape = g.Node("Shape", ["x"]);
        g.Output(g.Node("Reshape", ["x", g.Node("Concat", [g.Node("Slice", [shape, g.Constant("s", Tensor.Create([0L], 1)), g.Constant("e", Tensor.Create([2L], 1))]),
            g.Constant("m1", Tensor.Create([-1L], 1))], attributes: SmallGraph.Int("axis", 0))]));
        OptimizationResult r = Check(g, Feeds(15, ("x", [2, 3, N])));
        Assert.Equal(1, r.CountOf(PassNames.ShapeFolding));
        Assert.Equal("Reshape", Assert.Single(r.Graph.Nodes).OpType);
    }

    [Fact]
    public void Constant_folding_respects_the_size_limit()
    {
        var g = new SmallGraph();
        g.Input("x", 64, 64);
        string big = g.Node("Transpose", [g.Random("w", 1, 64, 64)]);
        g.Output(g.Node("Add", ["x", big]));
        string path = g.Save(_folder);
        Assert.Equal(1, Optimized.Of(path).CountOf(PassNames.ConstantFolding));
        OptimizationResult limited = Optimized.Of(path, GraphOptimizerOptions.Default with { FoldLimitBytes = 64 * 64 * 4 - 1 });
        Assert.Equal(0, limited.CountOf(PassNames.ConstantFolding));
        Assert.Equal(2, limited.Graph.Nodes.Count);
    }
}
