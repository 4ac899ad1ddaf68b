using BenchmarkDotNet.Attributes;
using Microsoft.ML.Tokenizers;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Benchmarks;

/// <summary>
/// Batch encoding throughput on the 3,000 UCI sentences: our Hugging Face-exact tokenizers (EncodeAll, 1 and 2
/// threads) against Microsoft.ML.Tokenizers alone (BertTokenizer, TiktokenTokenizer "gpt2") over the same texts
/// with the same thread count. Tokens per second = the token counts printed at setup / the mean time.
/// </summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private string[] _texts = [];
    private TransformerTokenizer _bert = null!;
    private TransformerTokenizer _gpt2 = null!;
    private BertTokenizer _msBert = null!;
    private TiktokenTokenizer _tiktoken = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var root = RepositoryRoot();
        var sentences = File.ReadLines(Path.Combine(root, "data", "sentiment", "uci-sentiment-sentences.tsv")).Skip(1).Select(l => l.Split('\t', 3)[2]);
        _texts = sentences.ToArray();
        var vocab = Path.Combine(root, "data", "vocab", "bert-base-uncased", "vocab.txt");
        _bert = TransformerTokenizer.CreateBert(vocab);
        _gpt2 = TransformerTokenizer.CreateGpt2();
        _msBert = BertTokenizer.Create(vocab);
        _tiktoken = TiktokenTokenizer.CreateForModel("gpt2");
        Console.WriteLine($"// tokens per pass: ours BERT {_texts.Sum(t => _bert.Encode(t).Length)}, ms BERT {_texts.Sum(t => _msBert.EncodeToIds(t).Count)}, "
            + $"ours GPT-2 {_texts.Sum(t => _gpt2.Encode(t).Length)}, tiktoken {_texts.Sum(t => _tiktoken.EncodeToIds(t).Count)}");
    }

    [Benchmark(Baseline = true)]
    public int MicrosoftBertTokenizer() => Parallel(t => _msBert.EncodeToIds(t).Count);

    [Benchmark]
    public int OursBert() => _bert.EncodeAll(_texts, null, new TokenizeOptions { MaxDegreeOfParallelism = Threads, MaxTokens = int.MaxValue }).Sum(e => e.Length);

    [Benchmark]
    public int MicrosoftTiktokenGpt2() => Parallel(t => _tiktoken.EncodeToIds(t).Count);

    [Benchmark]
    public int OursGpt2() => _gpt2.EncodeAll(_texts, null, new TokenizeOptions { MaxDegreeOfParallelism = Threads, MaxTokens = int.MaxValue }).Sum(e => e.Length);

    private int Parallel(Func<string, int> encode)
    {
        var counts = new int[_texts.Length];
        System.Threading.Tasks.Parallel.For(0, _texts.Length, new ParallelOptions { MaxDegreeOfParallelism = Threads }, i => counts[i] = encode(_texts[i]));
        return counts.Sum();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlNetGraviton.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmarks from inside the repository (data/ is read from there).");
    }
}
