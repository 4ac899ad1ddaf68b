using Microsoft.ML.OnnxRuntime;
using MlNetGraviton.Models.Tests.Reference;

namespace MlNetGraviton.Models.Tests;

/// <summary>ONNX Runtime on the built graphs agrees with the plain reference forward pass.</summary>
public sealed class ParityTests
{
    public static TheoryData<TransformerArchitecture, bool, GraphOptimizationLevel, int, int> Cases()
    {
        var data = new TheoryData<TransformerArchitecture, bool, GraphOptimizationLevel, int, int>();
        foreach (var arch in Enum.GetValues<TransformerArchitecture>())
            foreach (bool strong in new[] { false, true })
                foreach (var level in new[] { GraphOptimizationLevel.ORT_ENABLE_ALL, GraphOptimizationLevel.ORT_DISABLE_ALL })
                    foreach (var (batch, sequence) in new[] { (1, 1), (1, 9), (3, 7), (4, 16) })
                        data.Add(arch, strong, level, batch, sequence);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OrtMatchesReference(TransformerArchitecture arch, bool strong, GraphOptimizationLevel level, int batch, int sequence)
    {
        // Strong encoder configs carry a classification head, so both the head and the bare encoder are covered.
        int labels = strong && arch != TransformerArchitecture.Gpt2 ? 3 : 0;
        var config = strong ? TestModels.Strong(arch, labels) : TestModels.Default(arch, labels);
        var (model, bytes) = TestModels.Get(config);
        var inputs = ModelInputs.Create(config, batch, sequence, seed: batch * 100 + sequence);

        var ort = OrtRunner.Run(bytes, inputs, level);
        var expected = new ReferenceTransformer(model, config).Run(inputs);

        var (hidden, hiddenShape) = ort["last_hidden_state"];
        Assert.Equal(new long[] { batch, sequence, config.Hidden }, hiddenShape);
        AssertParity(Parity.Compare(hidden, expected.LastHiddenState, config.Hidden), "last_hidden_state", arch);

        if (arch == TransformerArchitecture.Gpt2)
        {
            var (logits, shape) = ort["logits"];
            Assert.Equal(new long[] { batch, sequence, config.VocabSize }, shape);
            AssertParity(Parity.Compare(logits, expected.Logits!, config.VocabSize), "logits", arch);
        }
        else if (labels > 0)
        {
            var (logits, shape) = ort["logits"];
            Assert.Equal(new long[] { batch, labels }, shape);
            AssertParity(Parity.Compare(logits, expected.Logits!, labels), "logits", arch);
        }
        else
        {
            Assert.False(ort.ContainsKey("logits"), "An encoder without a head must not output logits.");
        }
    }

    private static void AssertParity(Parity parity, string output, TransformerArchitecture arch)
    {
        Assert.True(parity.RowsCompared > 0, $"{output}: no rows compared.");
        // Only GPT-2 has queries that see no key (a left-padded position under the causal mask).
        if (arch != TransformerArchitecture.Gpt2)
            Assert.Equal(0, parity.RowsSkipped);
        Assert.True(parity.WithinBounds, $"{output}: {parity}");
    }
}
