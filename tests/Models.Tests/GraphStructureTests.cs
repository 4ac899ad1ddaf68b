using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MlNetGraviton.Models.Tests;

/// <summary>What the built graphs look like: names, symbolic dims, op patterns, a clean topology ORT will not warn about.</summary>
public sealed class GraphStructureTests
{
    public static TheoryData<TransformerArchitecture, int> Configs() => new()
    {
        { TransformerArchitecture.Bert, 0 },
        { TransformerArchitecture.Bert, 2 },
        { TransformerArchitecture.Roberta, 0 },
        { TransformerArchitecture.Roberta, 4 },
        { TransformerArchitecture.Gpt2, 0 },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void InputsAndOutputsUseExportNamesAndSymbolicDims(TransformerArchitecture arch, int labels)
    {
        var config = TestModels.Default(arch, labels);
        var (model, bytes) = TestModels.Get(config);

        string[] expectedInputs = arch == TransformerArchitecture.Bert
            ? ["input_ids", "attention_mask", "token_type_ids"]
            : ["input_ids", "attention_mask"];
        Assert.Equal(expectedInputs, model.Graph.Input.Select(i => i.Name));
        foreach (var input in model.Graph.Input)
        {
            Assert.Equal((int)TensorProto.Types.DataType.Int64, input.Type.TensorType.ElemType);
            Assert.Equal(["batch_size", "sequence_length"], input.Type.TensorType.Shape.Dim.Select(d => d.DimParam));
        }

        var outputs = model.Graph.Output.ToDictionary(o => o.Name, o => o.Type.TensorType.Shape.Dim.Select(DimText).ToArray());
        Assert.Equal(["batch_size", "sequence_length", config.Hidden.ToString()], outputs["last_hidden_state"]);
        if (arch == TransformerArchitecture.Gpt2)
            Assert.Equal(["batch_size", "sequence_length", config.VocabSize.ToString()], outputs["logits"]);
        else if (labels > 0)
            Assert.Equal(["batch_size", labels.ToString()], outputs["logits"]);
        else
            Assert.Single(outputs);

        using var session = new InferenceSession(bytes);
        foreach (var input in session.InputMetadata)
            Assert.Equal(["batch_size", "sequence_length"], input.Value.SymbolicDimensions);
        Assert.Equal(["batch_size", "sequence_length", ""], session.OutputMetadata["last_hidden_state"].SymbolicDimensions);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void GraphIsTopologicalWithEveryInitializerUsed(TransformerArchitecture arch, int labels)
    {
        var (model, _) = TestModels.Get(TestModels.Default(arch, labels));
        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal(("", 17L), (opset.Domain, opset.Version));

        var defined = new HashSet<string>(model.Graph.Input.Select(i => i.Name));
        foreach (var initializer in model.Graph.Initializer)
            Assert.True(defined.Add(initializer.Name), $"Initializer name '{initializer.Name}' is used twice.");
        var used = new HashSet<string>();
        foreach (var node in model.Graph.Node)
        {
            Assert.Equal("", node.Domain);
            foreach (string input in node.Input)
            {
                Assert.True(defined.Contains(input), $"Node '{node.Name}' reads '{input}' before anything produces it.");
                used.Add(input);
            }
            foreach (string output in node.Output)
                Assert.True(defined.Add(output), $"Node '{node.Name}' redefines '{output}'.");
        }
        // ORT warns about (and drops) initializers no node reads.
        foreach (var initializer in model.Graph.Initializer)
            Assert.True(used.Contains(initializer.Name), $"Initializer '{initializer.Name}' is not read by any node.");
        Assert.All(model.Graph.Output, o => Assert.Contains(o.Name, defined));
        Assert.Equal(model.Graph.Node.Count, model.Graph.Node.Select(n => n.Name).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void UsesTheHuggingFaceExportOpPattern(TransformerArchitecture arch, int labels)
    {
        var config = TestModels.Default(arch, labels);
        var (model, _) = TestModels.Get(config);
        var ops = model.Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());
        bool gpt2 = arch == TransformerArchitecture.Gpt2;

        Assert.Equal(config.Layers, ops["Softmax"]);
        Assert.Equal(config.Layers * 2 + 1, ops["LayerNormalization"]); // two per block, plus embeddings (BERT, RoBERTa) or ln_f (GPT-2)
        Assert.Equal(config.Layers, gpt2 ? ops["Tanh"] : ops["Erf"]);
        Assert.Equal(gpt2, ops.ContainsKey("Where"));
        Assert.Equal(gpt2, ops.ContainsKey("Split"));
        Assert.Equal(arch == TransformerArchitecture.Roberta, ops.ContainsKey("CumSum"));
        Assert.DoesNotContain("Gelu", ops.Keys);
        Assert.DoesNotContain("Attention", ops.Keys);

        foreach (var softmax in model.Graph.Node.Where(n => n.OpType == "Softmax"))
            Assert.Equal(-1, Assert.Single(softmax.Attribute, a => a.Name == "axis").I);
        foreach (var norm in model.Graph.Node.Where(n => n.OpType == "LayerNormalization"))
            Assert.Equal((float)config.LayerNormEpsilon, Assert.Single(norm.Attribute, a => a.Name == "epsilon").F);

        // Reshape targets keep batch and sequence symbolic: their first two entries are 0 (copy the input's dim).
        var constants = model.Graph.Initializer.ToDictionary(i => i.Name);
        foreach (var reshape in model.Graph.Node.Where(n => n.OpType == "Reshape"))
        {
            var shape = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(constants[reshape.Input[1]].RawData.Span).ToArray();
            Assert.Equal([0L, 0L], shape[..2]);
        }
    }

    [Fact]
    public void Gpt2LogitsReuseTheWordEmbeddingInitializer()
    {
        var config = TestModels.Default(TransformerArchitecture.Gpt2);
        var (model, _) = TestModels.Get(config);
        var vocabSized = model.Graph.Initializer.Where(i => i.Dims.Contains(config.VocabSize)).ToArray();
        Assert.Equal("wte.weight", Assert.Single(vocabSized).Name);
        var transpose = Assert.Single(model.Graph.Node, n => n.OpType == "Transpose" && n.Input[0] == "wte.weight");
        Assert.Contains(model.Graph.Node, n => n.OpType == "MatMul" && n.Input[1] == transpose.Output[0]);
    }

    [Fact]
    public void ParameterCountMatchesTheInitializers()
    {
        foreach (var arch in Enum.GetValues<TransformerArchitecture>())
            foreach (int labels in arch == TransformerArchitecture.Gpt2 ? new[] { 0 } : new[] { 0, 3 })
            {
                var config = TestModels.Default(arch, labels);
                var (model, _) = TestModels.Get(config);
                // Trainable parameters are the float initializers; scalar constants and buffers (position ids, causal mask) are not.
                long floats = model.Graph.Initializer
                    .Where(i => i.DataType == (int)TensorProto.Types.DataType.Float && i.Dims.Count > 0)
                    .Sum(i => i.Dims.Aggregate(1L, (a, b) => a * b));
                Assert.Equal(config.ParameterCount, floats);
            }
    }

    private static string DimText(TensorShapeProto.Types.Dimension dim) =>
        dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? dim.DimParam : dim.DimValue.ToString();
}
