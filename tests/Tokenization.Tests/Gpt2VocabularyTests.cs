using System.Text.Json;
using MlNetGraviton.Tokenization.Bpe;

namespace MlNetGraviton.Tokenization.Tests;

/// <summary>
/// GPT-2 is built from the NuGet package's tiktoken ranks (merges recovered from the ranks); the reference uses
/// OpenAI's encoder.json and vocab.bpe. Both must be the same vocabulary and the same merges, in the same order.
/// </summary>
public class Gpt2VocabularyTests
{
    [Fact]
    public void NuGetRanksGiveEncoderJsonAndVocabBpe()
    {
        var gpt2 = (ByteLevelBpeTokenizer)TransformerTokenizer.CreateGpt2().Model;
        var encoder = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(VocabFiles.RobertaEncoder))!;
        var merges = File.ReadAllLines(VocabFiles.RobertaMerges).Skip(1).Where(l => l.Length > 0).ToArray();

        Assert.Equal(encoder.Count, gpt2.Vocabulary.Count);
        foreach (var (token, id) in encoder)
        {
            Assert.Equal(id, gpt2.Vocabulary[token]);
        }

        var ranks = gpt2.Vocabulary.Where(kv => kv.Key != "<|endoftext|>").ToDictionary(kv => kv.Key, kv => kv.Value);
        var recovered = ByteLevelBpeFiles.RecoverMerges(ranks).Select(m => m.Item1 + " " + m.Item2).ToArray();
        Assert.Equal(merges.Length, gpt2.MergeCount);
        Assert.Equal(merges, recovered);
    }
}
