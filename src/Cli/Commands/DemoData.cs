using System.Globalization;

namespace MlNetGraviton.Cli.Commands;

/// <summary>A labelled sentence of the UCI sentiment set.</summary>
public sealed class Sentence
{
    public string Text { get; set; } = "";
    public bool Label { get; set; }

    /// <summary>Where the sentence comes from: amazon, imdb or yelp.</summary>
    public string Source { get; set; } = "";
}

/// <summary>The data files the CLI ships beside itself (copied from the repository's data/ folder).</summary>
internal static class DemoData
{
    private static string DataDir => Path.Combine(AppContext.BaseDirectory, "data");

    public static string BertVocabFile => Existing(Path.Combine(DataDir, "vocab", "bert-base-uncased", "vocab.txt"));
    public static string RobertaEncoderFile => Existing(Path.Combine(DataDir, "vocab", "roberta-base", "encoder.json"));
    public static string RobertaVocabBpeFile => Existing(Path.Combine(DataDir, "vocab", "roberta-base", "vocab.bpe"));
    public static string RobertaDictFile => Existing(Path.Combine(DataDir, "vocab", "roberta-base", "dict.txt"));

    /// <summary>The 3,000 UCI sentences (1,000 each from amazon, imdb, yelp), in file order (label, source, text per line).</summary>
    public static IEnumerable<Sentence> LoadSentences()
    {
        string path = Existing(Path.Combine(DataDir, "sentiment", "uci-sentiment-sentences.tsv"));
        int lineNo = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNo++;
            if (lineNo == 1)
                continue;
            string[] parts = line.Split('\t', 3);
            if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int label))
                throw new InvalidDataException($"{path}:{lineNo}: expected 'label<TAB>source<TAB>text'");
            yield return new Sentence { Text = parts[2], Label = label == 1, Source = parts[1] };
        }
    }

    /// <summary>The first <paramref name="rows"/>/3 sentences of each source, so a subset still has train and test data.</summary>
    public static List<Sentence> Balanced(IEnumerable<Sentence> sentences, int rows)
    {
        int perSource = rows / 3;
        return sentences.GroupBy(s => s.Source).SelectMany(g => g.Take(perSource)).ToList();
    }

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"data file not found: {path} (it ships with the CLI from the repository's data/ folder)", path);
}
