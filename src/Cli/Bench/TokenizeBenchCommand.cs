using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using MlNetGraviton.Cli.Commands;
using MlNetGraviton.Tokenization;

namespace MlNetGraviton.Cli.Bench;

/// <summary>
/// `bench tokenize`: our Hugging Face-exact tokenizers against Microsoft.ML.Tokenizers (what a .NET user has today) on
/// the same texts with the same thread count, in the format of `bench gemm`: a `graviton ...` line, a `mstokenizers ...`
/// line, then the ratio. Each pass encodes every text (special tokens added where the tokenizer adds them); engines
/// take turns pass by pass so noise hits both alike; warm-up passes are not timed; the median pass is kept. The peer
/// line also says on how many texts its ids differ from ours (ours are checked against Hugging Face in the tests).
/// </summary>
internal static class TokenizeBenchCommand
{
    public const string Usage = "bench tokenize [--tokenizer bert|roberta|gpt2]... [--input texts.jsonl] [--threads T]... [--seconds S]";

    private static readonly string[] Names = ["bert", "roberta", "gpt2"];
    private const int WarmupPasses = 2;
    private const int MinSamples = 5;

    public static int Run(string[] args, TextWriter output)
    {
        var cl = new CommandLineArgs(args, new HashSet<string>());
        string[] names = cl.Values("tokenizer", "t").ToArray();
        if (names.Length == 0)
            names = Names;
        string? input = cl.Value("input", "i");
        int[] threadCounts = cl.Values("threads").Select(t => Positive("threads", t)).DefaultIfEmpty(1).ToArray();
        double seconds = 2.0;
        if (cl.Value("seconds") is string s && (!double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out seconds) || !(seconds > 0)))
            throw new UsageException($"--seconds must be a positive number, got '{s}'");
        cl.EnsureAllRead(0);
        foreach (string name in names)
        {
            if (!Names.Contains(name))
                throw new UsageException($"unknown tokenizer '{name}' for bench tokenize (expected {string.Join(", ", Names)})");
        }

        (string[] texts, string source) = input is null
            ? (DemoData.LoadSentences().Select(x => x.Text).ToArray(), "the 3,000 UCI sentences")
            : (ReadTexts(input), input);
        if (texts.Length == 0)
            throw new InvalidDataException($"{source}: no texts to tokenize");
        output.WriteLine($"bench tokenize: {texts.Length} texts from {source}");

        foreach (string name in names)
        {
            (TransformerTokenizer ours, string oursDescription, Func<string, int[]>? peer, string peerDescription) = Create(name);
            foreach (int threads in threadCounts)
                BenchOne(output, name, texts, threads, seconds, ours, oursDescription, peer, peerDescription);
        }
        return 0;
    }

    private static void BenchOne(TextWriter output, string name, string[] texts, int threads, double seconds,
        TransformerTokenizer ours, string oursDescription, Func<string, int[]>? peer, string peerDescription)
    {
        var options = new TokenizeOptions { MaxDegreeOfParallelism = threads, MaxTokens = int.MaxValue };
        int[][] peerIds = new int[texts.Length][];
        Func<long> runOurs = () =>
        {
            long tokens = 0;
            foreach (TokenEncoding e in ours.EncodeAll(texts, null, options))
                tokens += e.Length;
            return tokens;
        };
        Func<long>? runPeer = peer is null ? null : () =>
        {
            if (threads == 1)
            {
                for (int i = 0; i < texts.Length; i++)
                    peerIds[i] = peer(texts[i]);
            }
            else
            {
                Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = threads },
                    i => peerIds[i] = peer(texts[i]));
            }
            long tokens = 0;
            foreach (int[] ids in peerIds)
                tokens += ids.Length;
            return tokens;
        };

        var engines = runPeer is null ? new[] { runOurs } : new[] { runOurs, runPeer };
        long[] tokensPerPass = new long[engines.Length];
        for (int e = 0; e < engines.Length; e++)
            for (int w = 0; w < WarmupPasses; w++)
                tokensPerPass[e] = engines[e]();
        var samples = engines.Select(_ => new List<double>()).ToArray();
        long start = Stopwatch.GetTimestamp();
        while (samples[0].Count < MinSamples || Stopwatch.GetElapsedTime(start).TotalSeconds < seconds * engines.Length)
        {
            for (int e = 0; e < engines.Length; e++)
            {
                long t0 = Stopwatch.GetTimestamp();
                engines[e]();
                samples[e].Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
            }
        }
        double[] median = samples.Select(Median).ToArray();

        output.WriteLine($"graviton {name} threads={threads}: {Rate(tokensPerPass[0], median[0])} ({texts.Length / median[0]:F0} texts/s, {tokensPerPass[0]} tokens per pass, {oursDescription})");
        if (peer is null)
        {
            output.WriteLine($"mstokenizers {name} threads={threads}: not run ({peerDescription})");
            return;
        }
        IReadOnlyList<TokenEncoding> ourIds = ours.EncodeAll(texts, null, options);
        int differ = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            if (!ourIds[i].Ids.SequenceEqual(peerIds[i]))
                differ++;
        }
        output.WriteLine($"mstokenizers {name} threads={threads}: {Rate(tokensPerPass[1], median[1])} ({texts.Length / median[1]:F0} texts/s, {tokensPerPass[1]} tokens per pass, {peerDescription}; ids differ from ours on {differ} of {texts.Length} texts)");
        output.WriteLine($"ratio graviton/mstokenizers: {median[1] / median[0]:F2} (texts per second)");
    }

    private static (TransformerTokenizer Ours, string OursDescription, Func<string, int[]>? Peer, string PeerDescription) Create(string name)
    {
        string version = typeof(Tokenizer).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "?";
        switch (name)
        {
            case "bert":
            {
                string vocab = DemoData.BertVocabFile;
                BertTokenizer peer = BertTokenizer.Create(vocab);
                return (TransformerTokenizer.CreateBert(vocab, lowerCase: true, maxTokens: int.MaxValue), "bert-base-uncased WordPiece, Hugging Face-exact",
                    t => ToArray(peer.EncodeToIds(t, addSpecialTokens: true)), $"Microsoft.ML.Tokenizers {version} BertTokenizer, same vocab.txt");
            }
            case "roberta":
            {
                // EnglishRobertaTokenizer returns GPT-2 vocabulary ids and adds no <s>, </s>: its occurrence ranks are
                // roberta-base's ids (fairseq: 4 + the line in dict.txt), with 0 and 2 around them, as ours are.
                var peer = EnglishRobertaTokenizer.Create(DemoData.RobertaEncoderFile, DemoData.RobertaVocabBpeFile, DemoData.RobertaDictFile);
                return (TransformerTokenizer.CreateRoberta(DemoData.RobertaEncoderFile, DemoData.RobertaVocabBpeFile, DemoData.RobertaDictFile, int.MaxValue),
                    "roberta-base byte-level BPE, Hugging Face-exact",
                    t =>
                    {
                        IReadOnlyList<int> ranks = peer.ConvertIdsToOccurrenceRanks(peer.EncodeToIds(t));
                        var ids = new int[ranks.Count + 2];
                        ids[0] = 0;
                        for (int i = 0; i < ranks.Count; i++)
                            ids[i + 1] = ranks[i];
                        ids[^1] = 2;
                        return ids;
                    },
                    $"Microsoft.ML.Tokenizers {version} EnglishRobertaTokenizer, same files, ids mapped to roberta-base's");
            }
            default:
            {
                TiktokenTokenizer peer = TiktokenTokenizer.CreateForModel("gpt2");
                return (TransformerTokenizer.CreateGpt2(int.MaxValue), "gpt2 byte-level BPE, Hugging Face-exact",
                    t => ToArray(peer.EncodeToIds(t)), $"Microsoft.ML.Tokenizers {version} TiktokenTokenizer gpt2");
            }
        }
    }

    private static int[] ToArray(IReadOnlyList<int> ids)
    {
        var a = new int[ids.Count];
        for (int i = 0; i < a.Length; i++)
            a[i] = ids[i];
        return a;
    }

    private static string[] ReadTexts(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"input file not found: {path}", path);
        var texts = new List<string>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
                continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("text", out JsonElement text) || text.ValueKind != JsonValueKind.String)
                    throw new InvalidDataException($"{path}:{lineNumber}: expected a JSON object with a string \"text\"");
                texts.Add(text.GetString()!);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not valid JSON ({ex.Message})", ex);
            }
        }
        return texts.ToArray();
    }

    private static string Rate(long tokens, double seconds)
    {
        double rate = tokens / seconds;
        return rate >= 1e6 ? $"{rate / 1e6:F2} M tokens/s" : $"{rate / 1e3:F1} K tokens/s";
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, out int v) && v > 0 ? v : throw new UsageException($"--{name} must be a positive integer, got '{value}'");
}
