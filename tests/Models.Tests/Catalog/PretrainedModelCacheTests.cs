using System.Security.Cryptography;
using System.Text;
using MlNetGraviton.Models.Catalog;

namespace MlNetGraviton.Models.Tests.Catalog;

/// <summary>Extraction into an explicit cache folder (never the environment's), with small stand-in resources.</summary>
public sealed class PretrainedModelCacheTests : IDisposable
{
    private static readonly byte[] ModelBytes = Enumerable.Range(0, 3_000_000).Select(i => (byte)(i * 7 + (i >> 11))).ToArray();
    private static readonly byte[] VocabBytes = Encoding.UTF8.GetBytes("[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nhello\r\n");
    private readonly string cache = Path.Combine(Path.GetTempPath(), "mlnetgraviton-catalog-test-" + Guid.NewGuid().ToString("N"));
    private readonly PretrainedModel model = StandIn(ModelBytes, VocabBytes);

    public void Dispose()
    {
        if (Directory.Exists(cache))
            Directory.Delete(cache, recursive: true);
    }

    [Fact]
    public void ExtractsBothFilesIntoTheModelsFolderWithTheirBytes()
    {
        PretrainedModelFiles files = PretrainedModelCache.GetOrExtract(model, Open(ModelBytes, VocabBytes), cache);

        Assert.Equal(Path.Combine(cache, "pretrained", "stand-in-1.2.3"), files.Folder);
        Assert.Equal(ModelBytes, File.ReadAllBytes(files.ModelFile));
        Assert.Equal(VocabBytes, File.ReadAllBytes(files.VocabFile));
        Assert.Equal(["model.onnx", "vocab.txt"], Directory.GetFiles(files.Folder).Select(Path.GetFileName).Order().ToArray());
        Assert.True(PretrainedModelCache.IsExtracted(model, cache));
    }

    [Fact]
    public void SecondCallOpensNothingAndLeavesTheFilesAlone()
    {
        PretrainedModelFiles first = PretrainedModelCache.GetOrExtract(model, Open(ModelBytes, VocabBytes), cache);
        DateTime written = File.GetLastWriteTimeUtc(first.ModelFile);

        int opened = 0;
        PretrainedModelFiles second = PretrainedModelCache.GetOrExtract(model, _ => { opened++; return new MemoryStream(); }, cache);

        Assert.Equal(first, second);
        Assert.Equal(0, opened);
        Assert.Equal(written, File.GetLastWriteTimeUtc(second.ModelFile));
    }

    [Fact]
    public void OnlyTheMissingFileIsExtractedAgain()
    {
        PretrainedModelFiles files = PretrainedModelCache.GetOrExtract(model, Open(ModelBytes, VocabBytes), cache);
        File.Delete(files.VocabFile);

        var opened = new List<string>();
        PretrainedModelCache.GetOrExtract(model, r => { opened.Add(r.FileName); return Open(ModelBytes, VocabBytes)(r); }, cache);

        Assert.Equal(["vocab.txt"], opened);
        Assert.Equal(VocabBytes, File.ReadAllBytes(files.VocabFile));
    }

    [Fact]
    public void GarbageStreamIsRefusedNamingTheResourceAndLeavesNothing()
    {
        byte[] garbage = (byte[])ModelBytes.Clone();
        garbage[123_456] ^= 1;

        var e = Assert.Throws<InvalidDataException>(() => PretrainedModelCache.GetOrExtract(model, Open(garbage, VocabBytes), cache));

        Assert.Contains("'Stand.In.Resources.model.onnx'", e.Message);
        Assert.Contains("Stand.In 1.2.3", e.Message);
        Assert.Contains("SHA-256", e.Message);
        AssertNoFilesLeft();
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(+1)]
    [InlineData(-3_000_000)]
    public void WrongLengthIsRefusedNamingTheResource(int delta)
    {
        byte[] wrong = new byte[ModelBytes.Length + delta];
        Array.Copy(ModelBytes, wrong, Math.Min(wrong.Length, ModelBytes.Length));

        var e = Assert.Throws<InvalidDataException>(() => PretrainedModelCache.GetOrExtract(model, Open(wrong, VocabBytes), cache));

        Assert.Contains("'Stand.In.Resources.model.onnx'", e.Message);
        Assert.Contains(ModelBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        AssertNoFilesLeft();
    }

    [Fact]
    public void TheOtherModelsVocabularyIsRefused()
    {
        // Right length, wrong bytes: the mistake a swapped resource name makes.
        byte[] other = VocabBytes.Select(b => b == (byte)'h' ? (byte)'j' : b).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => PretrainedModelCache.GetOrExtract(model, Open(ModelBytes, other), cache));
        Assert.Contains("'Stand.In.Resources.vocab.txt'", e.Message);
    }

    [Fact]
    public void MissingResourceSaysWhichPackageToReference()
    {
        var e = Assert.Throws<InvalidOperationException>(() => PretrainedModelCache.GetOrExtract(model, _ => null, cache));
        Assert.Contains("'Stand.In.Resources.model.onnx'", e.Message);
        Assert.Contains("Stand.In 1.2.3", e.Message);
    }

    [Fact]
    public void StreamIsDisposed()
    {
        var streams = new List<TrackingStream>();
        PretrainedModelCache.GetOrExtract(model, r =>
        {
            var s = new TrackingStream(r.FileName == "model.onnx" ? ModelBytes : VocabBytes);
            streams.Add(s);
            return s;
        }, cache);
        Assert.Equal(2, streams.Count);
        Assert.All(streams, s => Assert.True(s.Disposed));
    }

    [Fact]
    public void ConcurrentExtractionsAgreeAndLeaveNoTemporaryFiles()
    {
        PretrainedModelFiles[] results = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4)
            .Select(_ => PretrainedModelCache.GetOrExtract(model, Open(ModelBytes, VocabBytes), cache))
            .ToArray();

        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.Equal(ModelBytes, File.ReadAllBytes(results[0].ModelFile));
        Assert.Equal(2, Directory.GetFiles(results[0].Folder).Length);
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.Throws<ArgumentNullException>("model", () => PretrainedModelCache.GetOrExtract(null!, Open(ModelBytes, VocabBytes), cache));
        Assert.Throws<ArgumentNullException>("openResource", () => PretrainedModelCache.GetOrExtract(model, null!, cache));
    }

    private void AssertNoFilesLeft()
    {
        string folder = PretrainedModelCache.Folder(model, cache);
        Assert.Empty(Directory.Exists(folder) ? Directory.GetFiles(folder) : []);
        Assert.False(PretrainedModelCache.IsExtracted(model, cache));
    }

    private static Func<PretrainedResource, Stream?> Open(byte[] modelBytes, byte[] vocabBytes)
        => r => new MemoryStream(r.FileName == "model.onnx" ? modelBytes : vocabBytes, writable: false);

    internal static PretrainedModel StandIn(byte[] modelBytes, byte[] vocabBytes) => new(
        "stand-in", ["si"], "org/stand-in", "Stand.In", "1.2.3",
        new("Stand.In.Resources.model.onnx", "model.onnx", modelBytes.Length, Sha(modelBytes)),
        new("Stand.In.Resources.vocab.txt", "vocab.txt", vocabBytes.Length, Sha(vocabBytes)),
        PretrainedTokenizer.BertWordPiece, lowerCase: true, maxTokens: 128, EmbeddingPooling.Mean, normalize: true, dimension: 8, queryPrefix: "");

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private sealed class TrackingStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
