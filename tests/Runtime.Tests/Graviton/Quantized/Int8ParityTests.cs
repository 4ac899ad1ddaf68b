using Google.Protobuf;
using MlNetGraviton.Models;
using MlNetGraviton.Runtime.Execution;
using MlNetGraviton.Runtime.Quantization;
using Onnx;

namespace MlNetGraviton.Runtime.Tests.Graviton.Quantized;

/// <summary>
/// The int8 engine against ONNX Runtime on the same quantized graph (issue bar: cosine ≥ 0.999) on tiny BERT, RoBERTa
/// and GPT-2 with padded batches. Those graphs use 7-bit weights (reduce_range): ONNX Runtime's x86 AVX2 u8 × s8 kernel
/// saturates pairs of full-range products at int16, so on this CPU class it is not an exact reference for 8-bit weights
/// (the graviton kernels are exact; see the MatMulInteger one-node cases). Full-range models are checked against fp32.
/// </summary>
public sealed class Int8ParityTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>, IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<TransformerArchitecture, bool, bool> Cases()
    {
        var data = new TheoryData<TransformerArchitecture, bool, bool>();
        foreach (var arch in Enum.GetValues<TransformerArchitecture>())
            foreach (bool strong in new[] { false, true })
                foreach (bool perChannel in new[] { false, true })
                    data.Add(arch, strong, perChannel);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Graviton_int8_matches_onnx_runtime_on_the_quantized_graph(TransformerArchitecture arch, bool strong, bool perChannel)
    {
        var (config, path) = models.Get(arch, strong);
        string quantized = _folder.File($"{config.Name}-{strong}-{perChannel}.onnx");
        DynamicQuantizer.QuantizeFile(path, quantized, new DynamicQuantizationOptions { PerChannel = perChannel, ReduceRange = true });
        using IInferenceSession graviton = InferenceSessionFactory.Create(quantized, new InferenceOptions { Precision = Precision.Int8, Threads = 2 });
        Assert.Equal(Precision.Int8, graviton.ChosenPrecision);
        Assert.Contains("pre-quantized model", graviton.Description);
        // The projections are quantized MatMuls, so each layer's attention core fuses as MultiHeadAttention reading one
        // quantized QKV GEMM, and each feed-forward GELU goes into its quantized MatMul's epilogue.
        Assert.Contains($"{config.Layers} multi-head attention", graviton.Description);
        Assert.Contains($"{config.Layers} int8 gemm+gelu", graviton.Description);
        Assert.Contains($"{config.Layers} int8 qkv gemm", graviton.Description);
        foreach (var (batch, sequence) in new[] { (1, 9), (3, 16) })
        {
            Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, batch, sequence, seed: 7 * batch + sequence);
            IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(quantized, inputs);
            IReadOnlyDictionary<string, Tensor> actual = graviton.Run(inputs);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (name, tensor) in expected)
                CosineAssert.AtLeast(0.999, tensor, actual[name], $"{config.Name}{(strong ? " strong" : "")} {name} batch {batch}");
        }
    }

    [Theory]
    [InlineData(TransformerArchitecture.Bert)]
    [InlineData(TransformerArchitecture.Roberta)]
    [InlineData(TransformerArchitecture.Gpt2)]
    public void An_fp32_model_quantized_at_load_equals_the_quantize_commands_file_and_stays_close_to_fp32(TransformerArchitecture arch)
    {
        var (config, path) = models.Get(arch, strong: true);
        string quantized = _folder.File($"{config.Name}-per-channel.onnx");
        DynamicQuantizationReport report = DynamicQuantizer.QuantizeFile(path, quantized, new DynamicQuantizationOptions { PerChannel = true });
        using IInferenceSession atLoad = InferenceSessionFactory.Create(path, new InferenceOptions { Precision = Precision.Int8, Threads = 2 });
        using IInferenceSession fromFile = InferenceSessionFactory.Create(quantized, new InferenceOptions { Precision = Precision.Int8, Threads = 1 });
        Assert.Contains($"quantized at load: quantized {report.QuantizedNodes.Count} MatMul nodes", atLoad.Description);
        Assert.Contains($"{report.QuantizedNodes.Count} MatMuls on QGEMM", atLoad.Description);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, 3, 12, seed: 5);
        IReadOnlyDictionary<string, Tensor> fp32 = OrtReference.Run(path, inputs);
        IReadOnlyDictionary<string, Tensor> a = atLoad.Run(inputs), b = fromFile.Run(inputs);
        foreach (var (name, tensor) in fp32)
        {
            TensorAssert.Same(b[name], a[name], $"{config.Name} {name}: quantized at load vs the written file", tolerance: 1e-5f);
            CosineAssert.AtLeast(0.99, tensor, a[name], $"{config.Name} {name} vs fp32");
        }
    }

    [Theory]
    [InlineData(TransformerArchitecture.Bert, GraphOptimization.Basic)]
    [InlineData(TransformerArchitecture.Bert, GraphOptimization.Extended)]
    [InlineData(TransformerArchitecture.Roberta, GraphOptimization.Extended)]
    [InlineData(TransformerArchitecture.Gpt2, GraphOptimization.Extended)]
    [InlineData(TransformerArchitecture.Bert, GraphOptimization.All)]
    public void Onnx_runtimes_optimized_form_of_a_quantized_graph_runs_and_matches(TransformerArchitecture arch, GraphOptimization level)
    {
        // ORT's optimizer writes its own fused quantized nodes (com.microsoft DynamicQuantizeMatMul / MatMulIntegerToFloat).
        var (config, path) = models.Get(arch, strong: true);
        string quantized = _folder.File($"{config.Name}-7bit.onnx"), optimized = _folder.File($"{config.Name}-7bit-{level}.onnx");
        DynamicQuantizer.QuantizeFile(path, quantized, new DynamicQuantizationOptions { ReduceRange = true });
        OrtReference.WriteOptimized(quantized, optimized, level);
        ModelProto written = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized));
        Assert.Contains(written.Graph.Node, n => n.OpType is "DynamicQuantizeMatMul" or "MatMulIntegerToFloat" or "MatMulInteger");
        using IInferenceSession graviton = InferenceSessionFactory.Create(optimized, new InferenceOptions { Precision = Precision.Int8, Threads = 2 });
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, 3, 10, seed: 8);
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(quantized, inputs);
        IReadOnlyDictionary<string, Tensor> actual = graviton.Run(inputs);
        foreach (var (name, tensor) in expected)
            CosineAssert.AtLeast(0.999, tensor, actual[name], $"{config.Name} {level} {name}");
    }

    [Fact]
    public void The_rewrite_fuses_every_quantized_matmul_with_its_bias_and_onnx_runtime_agrees()
    {
        var (config, path) = models.Get(TransformerArchitecture.Bert, strong: true);
        ModelProto q = DynamicQuantizer.Quantize(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)), null, out DynamicQuantizationReport report);
        int adds = q.Graph.Node.Count(n => n.OpType == "Add");
        ModelProto fused = QuantizedMatMulFusion.Apply(q, out int count);

        Assert.Equal(report.QuantizedNodes.Count, count);
        Assert.Equal(count, fused.Graph.Node.Count(n => n.OpType == "DynamicQuantizeMatMul" && n.Domain == "com.microsoft"));
        Assert.DoesNotContain(fused.Graph.Node, n => n.OpType is "MatMulInteger" or "DynamicQuantizeLinear" or "Cast" && n.Input.Any(i => i.EndsWith("_quantized", StringComparison.Ordinal)));
        Assert.DoesNotContain(fused.Graph.Node, n => n.OpType == "DynamicQuantizeLinear");
        int biases = fused.Graph.Node.Count(n => n.OpType == "DynamicQuantizeMatMul" && n.Input.Count == 5);
        Assert.True(biases > 0, "the Linear layers' bias Adds are folded into the fused node");
        Assert.Equal(adds - biases, fused.Graph.Node.Count(n => n.OpType == "Add"));

        // ONNX Runtime runs both forms; they agree, so the rewrite kept the graph's meaning.
        string unfusedPath = _folder.File("bert-q.onnx"), fusedPath = _folder.File("bert-q-fused.onnx");
        File.WriteAllBytes(unfusedPath, q.ToByteArray());
        File.WriteAllBytes(fusedPath, fused.ToByteArray());
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, 2, 10, seed: 3);
        IReadOnlyDictionary<string, Tensor> a = OrtReference.Run(unfusedPath, inputs), b = OrtReference.Run(fusedPath, inputs);
        foreach (var (name, tensor) in a)
            CosineAssert.AtLeast(0.9999, tensor, b[name], name);
    }

    [Fact]
    public void A_run_time_weight_zero_point_is_left_unfused_and_still_runs()
    {
        // B's zero point fed at run time: not constant, so no prepacked fused node; the unfused kernels run it.
        ModelProto model = QuantizedPattern(bZeroPointAsInput: true);
        ModelProto fused = QuantizedMatMulFusion.Apply(model, out int count);
        Assert.Equal(0, count);
        Assert.Equal(model.Graph.Node.Count, fused.Graph.Node.Count);

        string path = _folder.File("runtime-zp.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        var inputs = new Dictionary<string, Tensor> { ["x"] = OpCases.F(3, 8), ["w_zero_point"] = Tensor.Create(new sbyte[] { 0 }) };
        using IInferenceSession graviton = InferenceSessionFactory.Create(path, new InferenceOptions { Precision = Precision.Int8, Threads = 1 });
        Assert.Contains("0 MatMuls on QGEMM", graviton.Description);
        TensorAssert.Same(OrtReference.Run(path, inputs)["y"], graviton.Run(inputs)["y"], "y");
    }

    [Fact]
    public void A_per_row_a_scale_in_matmul_integer_to_float_fails_naming_the_input()
    {
        OneNodeModel model = new OneNodeModel("MatMulIntegerToFloat", 17, "com.microsoft").Input("a", QuantizedOpCases.U8(3, 4)).Constant("b", QuantizedOpCases.S8(4, 2))
            .Input("as", Tensor.Create(new[] { 0.1f, 0.2f, 0.3f }, 3)).Constant("bs", QuantizedOpCases.Scale(0.1f)).Output("y", TensorElementType.Float32);
        using IInferenceSession session = InferenceSessionFactory.Create(model.Save(_folder), new InferenceOptions { Precision = Precision.Int8, Threads = 1 });
        var e = Assert.Throws<GraphExecutionException>(() => session.Run(model.Feeds()));
        Assert.Contains("node0", e.Message);
        Assert.Contains("a_scale", e.Message);
    }

    /// <summary>x [3, 8] → the quantizer's pattern against a constant int8 weight [8, 4].</summary>
    private static ModelProto QuantizedPattern(bool bZeroPointAsInput)
    {
        ModelProto fp32 = new OneNodeModel("MatMul", 13).Input("x", OpCases.F(3, 8)).Constant("w", OpCases.F(8, 4)).Output("y", TensorElementType.Float32).Build();
        ModelProto q = DynamicQuantizer.Quantize(fp32, new DynamicQuantizationOptions { ReduceRange = true });
        if (bZeroPointAsInput)
        {
            TensorProto zp = q.Graph.Initializer.Single(i => i.Name == "w_zero_point");
            q.Graph.Initializer.Remove(zp);
            q.Graph.Input.Add(OneNodeModel.ValueInfo("w_zero_point", TensorElementType.Int8, []));
        }
        return q;
    }

    public void Dispose() => _folder.Dispose();
}
