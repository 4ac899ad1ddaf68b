using System.Globalization;

namespace MlNetGraviton.Tokenization.Tests;

/// <summary>The committed vocabularies (copied next to the test binaries) and plain readings of them.</summary>
internal static class VocabFiles
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "vocab");

    public static string BertUncasedVocab => Path.Combine(Root, "bert-base-uncased", "vocab.txt");

    public static string RobertaEncoder => Path.Combine(Root, "roberta-base", "encoder.json");

    public static string RobertaMerges => Path.Combine(Root, "roberta-base", "vocab.bpe");

    public static string RobertaDict => Path.Combine(Root, "roberta-base", "dict.txt");

    /// <summary>BERT's rule: a token's id is its line index in vocab.txt.</summary>
    public static int BertId(string token)
    {
        var index = Array.IndexOf(File.ReadAllLines(BertUncasedVocab), token);
        Assert.True(index >= 0, $"'{token}' is not in {BertUncasedVocab}");
        return index;
    }

    /// <summary>RoBERTa's rule: 4 + the line index in dict.txt of the GPT-2 id.</summary>
    public static Dictionary<int, int> RobertaIdsByGpt2Id()
    {
        var map = new Dictionary<int, int>();
        var lines = File.ReadAllLines(RobertaDict);
        for (var i = 0; i < lines.Length; i++)
        {
            var first = lines[i].Split(' ')[0];
            if (int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var gpt2Id))
            {
                map[gpt2Id] = 4 + i;
            }
        }

        return map;
    }
}
