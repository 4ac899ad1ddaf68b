using Microsoft.ML.OnnxRuntime;
using MlNetGraviton.Models.Tests.Reference;

namespace MlNetGraviton.Models.Tests;

/// <summary>A reference with one deliberate bug must fail the parity check, so the parity tests can catch that bug in a graph.</summary>
public sealed class MutationTests
{
    public static TheoryData<TransformerArchitecture, Mutation> Cases() => new()
    {
        { TransformerArchitecture.Bert, Mutation.DropAttentionMask },
        { TransformerArchitecture.Bert, Mutation.DropScale },
        { TransformerArchitecture.Bert, Mutation.SingleHead },
        { TransformerArchitecture.Roberta, Mutation.DropAttentionMask },
        { TransformerArchitecture.Roberta, Mutation.DropScale },
        { TransformerArchitecture.Roberta, Mutation.SingleHead },
        { TransformerArchitecture.Gpt2, Mutation.DropAttentionMask },
        { TransformerArchitecture.Gpt2, Mutation.DropCausalMask },
        { TransformerArchitecture.Gpt2, Mutation.DropScale },
        { TransformerArchitecture.Gpt2, Mutation.SingleHead },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BrokenReferenceFailsParity(TransformerArchitecture arch, Mutation mutation)
    {
        var config = TestModels.Strong(arch);
        var (model, bytes) = TestModels.Get(config);
        var inputs = ModelInputs.Create(config, batch: 3, sequence: 12, seed: 7);
        var (hidden, _) = OrtRunner.Run(bytes, inputs, GraphOptimizationLevel.ORT_ENABLE_ALL)["last_hidden_state"];

        var correct = Parity.Compare(hidden, new ReferenceTransformer(model, config).Run(inputs).LastHiddenState, config.Hidden);
        Assert.True(correct.WithinBounds, $"The unbroken reference must pass first: {correct}");

        var broken = Parity.Compare(hidden, new ReferenceTransformer(model, config, mutation).Run(inputs).LastHiddenState, config.Hidden);
        Assert.True(broken.MinCosine < Parity.CosineThreshold, $"{mutation} went unnoticed: {broken}");
    }
}
