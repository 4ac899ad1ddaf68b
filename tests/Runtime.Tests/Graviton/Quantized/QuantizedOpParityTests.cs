namespace MlNetGraviton.Runtime.Tests.Graviton.Quantized;

/// <summary>The quantized ops on one-node graphs against ONNX Runtime on the same file: integer outputs bit-exact.</summary>
public sealed class QuantizedOpParityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<string> Cases() => new(QuantizedOpCases.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Quantized_op_matches_onnx_runtime(string name)
    {
        OneNodeModel model = QuantizedOpCases.All[name]();
        string path = model.Save(_folder);
        Dictionary<string, Tensor> feeds = model.Feeds();
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(path, feeds);
        foreach (int threads in new[] { 1, 2 })
        {
            using var session = new GravitonSession(path, threads);
            IReadOnlyDictionary<string, Tensor> actual = session.Run(feeds);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (output, tensor) in expected)
                TensorAssert.Same(tensor, actual[output], $"{name} ({threads} threads): {output}");
        }
    }

    public void Dispose() => _folder.Dispose();
}
