using Google.Protobuf;
using MlNetGraviton.Models;
using MlNetGraviton.Runtime.Quantization;
using Onnx;

namespace MlNetGraviton.Runtime.Tests.Graviton.Quantized;

/// <summary>
/// The quantizer writes ONNX Runtime's dynamic-quantization pattern: checked structurally, and by running the written
/// file on ONNX Runtime against the float32 model.
/// </summary>
public sealed class DynamicQuantizerTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>, IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<TransformerArchitecture, bool> Architectures()
    {
        var data = new TheoryData<TransformerArchitecture, bool>();
        foreach (var arch in Enum.GetValues<TransformerArchitecture>())
            foreach (bool perChannel in new[] { false, true })
                data.Add(arch, perChannel);
        return data;
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Onnx_runtime_runs_the_quantized_model_close_to_float32(TransformerArchitecture arch, bool perChannel)
    {
        var (config, path) = models.Get(arch, strong: false);
        string quantized = _folder.File($"{config.Name}-{perChannel}-int8.onnx");
        DynamicQuantizationReport report = DynamicQuantizer.QuantizeFile(path, quantized, new DynamicQuantizationOptions { PerChannel = perChannel });
        Assert.NotEmpty(report.QuantizedNodes);

        foreach (var (batch, sequence) in new[] { (1, 9), (3, 16) })
        {
            Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, batch, sequence, seed: batch + sequence);
            IReadOnlyDictionary<string, Tensor> fp32 = OrtReference.Run(path, inputs);
            IReadOnlyDictionary<string, Tensor> int8 = OrtReference.Run(quantized, inputs, GraphOptimization.All);
            Assert.Equal(fp32.Keys.Order(), int8.Keys.Order());
            foreach (var (name, expected) in fp32)
                CosineAssert.AtLeast(0.99, expected, int8[name], $"{config.Name} {name} batch {batch}");
        }
    }

    [Fact]
    public void Every_constant_weight_matmul_gets_the_onnx_runtime_pattern_with_its_names()
    {
        var (_, path) = models.Get(TransformerArchitecture.Bert, strong: false);
        ModelProto original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        byte[] before = original.ToByteArray();
        int matMuls = original.Graph.Node.Count(n => n.OpType == "MatMul");
        var constantMatMuls = original.Graph.Node
            .Where(n => n.OpType == "MatMul" && original.Graph.Initializer.Any(i => i.Name == n.Input[1])).ToList();
        Assert.NotEmpty(constantMatMuls);

        ModelProto q = DynamicQuantizer.Quantize(original, null, out DynamicQuantizationReport report);

        Assert.Equal(before, original.ToByteArray()); // the input model is not changed
        Assert.Equal(constantMatMuls.Select(n => n.Name), report.QuantizedNodes);
        GraphProto g = q.Graph;
        Assert.Equal(matMuls - constantMatMuls.Count, g.Node.Count(n => n.OpType == "MatMul")); // attention's Q·Kᵀ, P·V stay
        Assert.Equal(constantMatMuls.Count, g.Node.Count(n => n.OpType == "MatMulInteger"));
        int activations = constantMatMuls.Select(n => n.Input[0]).Distinct().Count();
        Assert.True(activations < constantMatMuls.Count, "Q, K and V read one activation, so they share one DynamicQuantizeLinear");
        Assert.Equal(activations, g.Node.Count(n => n.OpType == "DynamicQuantizeLinear"));
        Assert.Equal(activations, report.QuantizedActivations);

        foreach (NodeProto matMul in constantMatMuls)
        {
            string w = matMul.Input[1];
            NodeProto integer = g.Node.Single(n => n.OpType == "MatMulInteger" && n.Input[1] == w + "_quantized");
            Assert.Equal([matMul.Input[0] + "_quantized", w + "_quantized", matMul.Input[0] + "_zero_point", w + "_zero_point"], integer.Input);
            NodeProto cast = g.Node.Single(n => n.OpType == "Cast" && n.Input[0] == integer.Output[0]);
            NodeProto mul = g.Node.Single(n => n.OpType == "Mul" && n.Input.Contains(cast.Output[0]));
            Assert.Equal(matMul.Output[0], mul.Output[0]);
            NodeProto scales = g.Node.Single(n => n.Output.Contains(mul.Input[1]));
            Assert.Equal([matMul.Input[0] + "_scale", w + "_scale"], scales.Input);
            TensorProto qw = g.Initializer.Single(i => i.Name == w + "_quantized");
            Assert.Equal((int)TensorProto.Types.DataType.Int8, qw.DataType);
            Assert.Empty(g.Initializer.Single(i => i.Name == w + "_scale").Dims);
            TensorProto zp = g.Initializer.Single(i => i.Name == w + "_zero_point");
            Assert.All(zp.RawData.ToByteArray(), b => Assert.Equal(0, b));
            Assert.DoesNotContain(g.Initializer, i => i.Name == w); // the float weight is gone
        }
    }

    [Fact]
    public void Weights_are_symmetric_int8_within_half_a_step_per_channel()
    {
        var (_, path) = models.Get(TransformerArchitecture.Gpt2, strong: true);
        ModelProto original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        ModelProto q = DynamicQuantizer.Quantize(original, new DynamicQuantizationOptions { PerChannel = true });
        var floats = original.Graph.Initializer.ToDictionary(i => i.Name);
        int checkedWeights = 0;
        foreach (TensorProto qw in q.Graph.Initializer.Where(i => i.Name.EndsWith("_quantized", StringComparison.Ordinal)))
        {
            string w = qw.Name[..^"_quantized".Length];
            (float[] values, int n) = FloatWeight(original, floats, w);
            sbyte[] ints = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(qw.RawData.Span).ToArray();
            float[] scales = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(q.Graph.Initializer.Single(i => i.Name == w + "_scale").RawData.Span).ToArray();
            Assert.Equal(n, scales.Length);
            for (int i = 0; i < values.Length; i++)
            {
                float s = scales[i % n];
                Assert.InRange(ints[i], (sbyte)-127, (sbyte)127);
                Assert.True(Math.Abs(values[i] - ints[i] * s) <= s * 0.5001f, $"{w}[{i}]: {values[i]} vs {ints[i]} × {s}");
            }
            checkedWeights++;
        }
        Assert.True(checkedWeights > 3);
    }

    /// <summary>A MatMul weight of <paramref name="original"/> as [K, N] values: an initializer, or the Transpose of one (GPT-2's tied LM head).</summary>
    private static (float[] Values, int N) FloatWeight(ModelProto original, Dictionary<string, TensorProto> floats, string name)
    {
        static float[] Read(TensorProto t) =>
            t.RawData.IsEmpty ? [.. t.FloatData] : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
        if (floats.TryGetValue(name, out TensorProto? fw))
            return (Read(fw), (int)fw.Dims[1]);
        NodeProto transpose = original.Graph.Node.Single(n => n.OpType == "Transpose" && n.Output[0] == name);
        TensorProto source = floats[transpose.Input[0]];
        float[] values = Read(source);
        int rows = (int)source.Dims[0], columns = (int)source.Dims[1];
        var transposed = new float[values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                transposed[c * rows + r] = values[r * columns + c];
        return (transposed, rows);
    }

    [Fact]
    public void A_tied_lm_head_is_quantized_through_its_constant_transpose()
    {
        // logits = h·wteᵀ through a Transpose of the embedding: ONNX Runtime's quant_pre_process folds it into an initializer
        // (as a constant-folded export has it), so quantize_dynamic quantizes the head; so do we. The embedding stays for Gather.
        var (config, path) = models.Get(TransformerArchitecture.Gpt2, strong: true);
        ModelProto original = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var initializers = original.Graph.Initializer.Select(i => i.Name).ToHashSet();
        NodeProto transposeOfWte = original.Graph.Node.Single(t => t.OpType == "Transpose" && initializers.Contains(t.Input[0]));
        NodeProto head = original.Graph.Node.Single(n => n.OpType == "MatMul" && n.Input[1] == transposeOfWte.Output[0]);
        ModelProto q = DynamicQuantizer.Quantize(original, null, out DynamicQuantizationReport report);
        Assert.Contains(head.Name, report.QuantizedNodes);
        Assert.DoesNotContain(q.Graph.Node, n => n.OpType == "Transpose" && n.Output[0] == head.Input[1]);
        string wte = transposeOfWte.Input[0];
        Assert.Contains(q.Graph.Initializer, i => i.Name == wte);
        Assert.Contains(q.Graph.Node, n => n.OpType == "Gather" && n.Input[0] == wte);
        TensorProto quantizedHead = q.Graph.Initializer.Single(i => i.Name == head.Input[1] + "_quantized");
        Assert.Equal(new long[] { config.Hidden, config.VocabSize }, quantizedHead.Dims.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reduced_range_weights_are_7_bit_within_half_a_step(bool perChannel)
    {
        float[] w = RandomTensors.Floats(6 * 5, seed: 4, scale: 2f);
        w[7] = 0;
        ModelProto model = new OneNodeModel("MatMul", 13).Input("a", OpCases.F(2, 6)).Constant("w", Tensor.Create(w, 6, 5)).Output("y", TensorElementType.Float32).Build();
        ModelProto q = DynamicQuantizer.Quantize(model, new DynamicQuantizationOptions { ReduceRange = true, PerChannel = perChannel });
        sbyte[] ints = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(q.Graph.Initializer.Single(i => i.Name == "w_quantized").RawData.Span).ToArray();
        float[] scales = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(q.Graph.Initializer.Single(i => i.Name == "w_scale").RawData.Span).ToArray();
        Assert.Equal(perChannel ? 5 : 1, scales.Length);
        Assert.Contains(ints, v => Math.Abs(v) == 64); // the largest weight of each scale group reaches the 7-bit end
        for (int i = 0; i < w.Length; i++)
        {
            float s = scales[perChannel ? i % 5 : 0];
            Assert.InRange(ints[i], (sbyte)-64, (sbyte)64);
            Assert.True(Math.Abs(w[i] - ints[i] * s) <= s * 0.5001f, $"w[{i}]: {w[i]} vs {ints[i]} × {s}");
        }
    }

    [Fact]
    public void A_model_without_constant_weight_matmuls_is_returned_unchanged_and_says_so()
    {
        ModelProto model = new OneNodeModel("MatMul", 13).Input("a", OpCases.F(2, 3)).Input("b", OpCases.F(3, 2)).Output("y", TensorElementType.Float32).Build();
        ModelProto q = DynamicQuantizer.Quantize(model, null, out DynamicQuantizationReport report);
        Assert.Equal(model.ToByteArray(), q.ToByteArray());
        Assert.Empty(report.QuantizedNodes);
        Assert.Equal("node0", Assert.Single(report.Skipped).NodeName);
        Assert.StartsWith("quantized 0 MatMul nodes", report.Summary);
    }

    [Fact]
    public void An_opset_without_dynamic_quantize_linear_is_refused_with_the_opset()
    {
        ModelProto model = new OneNodeModel("MatMul", 9).Input("a", OpCases.F(2, 3)).Constant("b", OpCases.F(3, 2)).Output("y", TensorElementType.Float32).Build();
        var e = Assert.Throws<InvalidOperationException>(() => DynamicQuantizer.Quantize(model));
        Assert.Contains("opset 9", e.Message);
        Assert.Contains("opset 11", e.Message);
    }

    [Fact]
    public void Excluded_nodes_stay_float()
    {
        ModelProto model = new OneNodeModel("MatMul", 13).Input("a", OpCases.F(2, 3)).Constant("b", OpCases.F(3, 2)).Output("y", TensorElementType.Float32).Build();
        ModelProto q = DynamicQuantizer.Quantize(model, new DynamicQuantizationOptions { NodesToExclude = ["node0"] }, out DynamicQuantizationReport report);
        Assert.Equal("MatMul", Assert.Single(q.Graph.Node).OpType);
        Assert.Contains("excluded", Assert.Single(report.Skipped).Reason);
    }

    public void Dispose() => _folder.Dispose();
}
