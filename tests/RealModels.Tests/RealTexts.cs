namespace MlNetGraviton.RealModels.Tests;

/// <summary>The texts the parity runs on: 300 UCI sentences (every tenth, so 100 per source) and long texts of hundreds of tokens.</summary>
internal static class RealTexts
{
    public const int LongTexts = 6;

    public static IReadOnlyList<string> Load()
    {
        string[] sentences = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "sentiment", "uci-sentiment-sentences.tsv"))
            .Skip(1).Select(l => l.Split('\t', 3)[2]).ToArray();
        var texts = sentences.Where((_, i) => i % 10 == 0).ToList();
        // Consecutive reviews joined: about 300 to 1,100 tokens, so both models truncate some (MiniLM at 256, arctic at 512).
        for (int k = 0; k < LongTexts; k++)
            texts.Add(string.Join(' ', sentences.Skip(k * 480 + 7).Take(25 + 15 * k)));
        return texts;
    }
}
