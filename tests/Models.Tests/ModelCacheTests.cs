using Google.Protobuf;

namespace MlNetGraviton.Models.Tests;

/// <summary>The only tests that set MLNETGRAVITON_CACHE; they run one after another.</summary>
[Collection(nameof(ModelCacheTests))]
public sealed class ModelCacheTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "mlnetgraviton-cache-test-" + Guid.NewGuid().ToString("N"));
    private readonly string? previous = Environment.GetEnvironmentVariable(ModelCache.EnvironmentVariable);

    public ModelCacheTests() => Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, folder);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, previous);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void DirectoryComesFromTheEnvironmentOrTheUserCache()
    {
        Assert.Equal(folder, ModelCache.Directory);
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, null);
        string expected = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mlnetgraviton");
        Assert.Equal(expected, ModelCache.Directory);
    }

    [Fact]
    public void BuildsOnceIntoTheFolderWithTheBuildersBytes()
    {
        var config = TransformerConfig.Create(TransformerArchitecture.Roberta, ModelSize.Tiny, numLabels: 2);
        string path = ModelCache.GetOrBuild(config, seed: 3);
        Assert.Equal(folder, Path.GetDirectoryName(path));
        Assert.StartsWith("roberta-tiny-cls2-seed3-", Path.GetFileName(path));
        Assert.Equal(TransformerModelBuilder.Build(config, 3).ToByteArray(), File.ReadAllBytes(path));

        var written = File.GetLastWriteTimeUtc(path);
        Assert.Equal(path, ModelCache.GetOrBuild(config, seed: 3));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Single(Directory.GetFiles(folder)); // no temporary files left behind
    }

    [Fact]
    public void DifferentSeedsAndKnobsGetDifferentFiles()
    {
        var config = TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Tiny);
        var names = new[]
        {
            ModelCache.FileName(config, 1),
            ModelCache.FileName(config, 2),
            ModelCache.FileName(config with { AttentionStd = 0.3f }, 1),
            ModelCache.FileName(config with { Cased = true, VocabSize = TransformerConfig.BertCasedVocabSize }, 1),
        };
        Assert.Equal(names.Length, names.Distinct().Count());
    }

    [Fact]
    public void ConcurrentCallersAllGetACompleteFile()
    {
        var config = TransformerConfig.Create(TransformerArchitecture.Gpt2, ModelSize.Tiny);
        string[] paths = Enumerable.Range(0, 4).AsParallel().Select(_ => ModelCache.GetOrBuild(config)).ToArray();
        Assert.Single(paths.Distinct());
        Assert.Equal(TransformerModelBuilder.Build(config).ToByteArray(), File.ReadAllBytes(paths[0]));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void WriteProducesAParsableModel()
    {
        var config = TransformerConfig.Create(TransformerArchitecture.Bert, ModelSize.Tiny, cased: true);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "model.onnx");
        TransformerModelBuilder.Write(config, path, seed: 8);
        var parsed = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(TransformerModelBuilder.Build(config, 8), parsed);
        Assert.Equal("bert-tiny-cased", parsed.Graph.Name);
    }
}
