using Google.Protobuf;
using Onnx;
using Xunit.Sdk;

namespace MlNetGraviton.Runtime.Tests.Graviton.Contrib;

/// <summary>
/// The Attention parity cases can fail: dropping the mask, the causal flag, the scale or the head split changes ONNX
/// Runtime's own output beyond the parity bar, so a kernel that skipped any of them would not pass.
/// </summary>
public sealed class AttentionMutationTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<string> Mutations() => new("drop mask", "drop causal", "change scale", "change head split");

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Mutated_attention_breaks_parity(string mutation)
    {
        OneNodeModel model = ContribCases.Attention(3, 8, 16, 4, mask: ContribCases.I32(ContribCases.RawMask(3, 8), 3, 8), unidirectional: true);
        ModelProto original = model.Build(), mutated = original.Clone(); // a deep copy: Build shares attribute objects
        NodeProto node = mutated.Graph.Node[0];
        switch (mutation)
        {
            case "drop mask":
                node.Input.RemoveAt(3);
                mutated.Graph.Input.Remove(mutated.Graph.Input.First(i => i.Name == "mask_index"));
                break;
            case "drop causal":
                node.Attribute.Remove(node.Attribute.First(a => a.Name == "unidirectional"));
                break;
            case "change scale":
                node.Attribute.Add(new AttributeProto { Name = "scale", Type = AttributeProto.Types.AttributeType.Float, F = 0.25f / 2 });
                break;
            default:
                node.Attribute.First(a => a.Name == "num_heads").I = 2;
                break;
        }
        Dictionary<string, Tensor> feeds = model.Feeds();
        Tensor expected = OrtReference.Run(Save(original, "original.onnx"), feeds)["output"];
        if (mutation == "drop mask")
            feeds.Remove("mask_index");
        string mutatedPath = Save(mutated, "mutated.onnx");
        Tensor changed = OrtReference.Run(mutatedPath, feeds)["output"];
        Assert.ThrowsAny<XunitException>(() => TensorAssert.Parity(expected, changed, mutation));
        // And the graviton engine follows the mutation too (it matches ORT on the mutated graph).
        using var session = new GravitonSession(mutatedPath, threads: 2);
        TensorAssert.Parity(changed, session.Run(feeds)["output"], $"graviton, {mutation}");
    }

    private string Save(ModelProto model, string name)
    {
        string path = _folder.File($"{Guid.NewGuid():N}-{name}");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    public void Dispose() => _folder.Dispose();
}
