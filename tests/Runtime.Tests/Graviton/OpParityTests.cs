namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>Every supported op on one-node graphs, against ONNX Runtime on the same file.</summary>
public sealed class OpParityTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<string> Cases() => new(OpCases.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Op_matches_onnx_runtime(string name)
    {
        OneNodeModel model = OpCases.All[name]();
        string path = model.Save(_folder);
        Dictionary<string, Tensor> feeds = model.Feeds();
        IReadOnlyDictionary<string, Tensor> expected = OrtReference.Run(path, feeds);
        using var session = new GravitonSession(path, threads: 1);
        IReadOnlyDictionary<string, Tensor> actual = session.Run(feeds);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (output, tensor) in expected)
            TensorAssert.Same(tensor, actual[output], $"{name}: {output}");
    }

    public void Dispose() => _folder.Dispose();
}
