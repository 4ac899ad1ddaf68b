using MlNetGraviton.Models;

namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>
/// End-to-end parity: the graviton session and ONNX Runtime run the same src/Models graph (tiny BERT, RoBERTa with a
/// classification head, GPT-2; default and strong weights) on padded batches, and every output agrees.
/// </summary>
public sealed class TransformerParityTests(TransformerModelFiles models) : IClassFixture<TransformerModelFiles>
{
    public static TheoryData<TransformerArchitecture, bool, int, int> Cases()
    {
        var data = new TheoryData<TransformerArchitecture, bool, int, int>();
        foreach (var arch in Enum.GetValues<TransformerArchitecture>())
            foreach (bool strong in new[] { false, true })
                foreach (var (batch, sequence) in new[] { (1, 1), (1, 9), (3, 9), (2, 64) })
                    data.Add(arch, strong, batch, sequence);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Graviton_matches_onnx_runtime(TransformerArchitecture arch, bool strong, int batch, int sequence)
    {
        var (config, path) = models.Get(arch, strong);
        Dictionary<string, Tensor> inputs = TransformerInputs.Create(config, batch, sequence, seed: batch * 1000 + sequence);
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(path, inputs);
        using var session = new GravitonSession(path, threads: 2);
        IReadOnlyDictionary<string, Tensor> actual = session.Run(inputs);
        // GPT-2's fused causal attention differs, by construction, only at left-padded positions no valid one reads.
        Optimization.Optimized.TransformerParity(arch, expected, actual, inputs, $"{config.Name}{(strong ? " strong" : "")}");
    }
}
