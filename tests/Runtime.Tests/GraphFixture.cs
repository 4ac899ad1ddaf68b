namespace MlNetGraviton.Runtime.Tests;

/// <summary>The test graph written once to a temp folder and one ONNX Runtime session over it.</summary>
public sealed class GraphFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public GraphFixture()
    {
        Graph = new TestGraph();
        ModelPath = _folder.File("matmul_add.onnx");
        Graph.Save(ModelPath);
        Session = new OrtBackendSession(ModelPath);
    }

    internal TestGraph Graph { get; }

    public string ModelPath { get; }

    public OrtBackendSession Session { get; }

    public void Dispose()
    {
        Session.Dispose();
        _folder.Dispose();
    }
}
