using Microsoft.ML.Tokenizers;

namespace MlNetGraviton.Tokenization;

/// <summary>First-cut BERT encoding over Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>: <c>[CLS] text [SEP]</c>.</summary>
internal sealed class BertTransformerTokenizer : TransformerTokenizer
{
    private static readonly string[] RequiredTokens = ["[CLS]", "[SEP]", "[PAD]", "[UNK]"];

    private readonly BertTokenizer _bert;

    private BertTransformerTokenizer(BertTokenizer bert, int maxTokens)
        : base(maxTokens, [bert.ClassificationTokenId], [bert.SeparatorTokenId], bert.PaddingTokenId)
    {
        _bert = bert;
    }

    public override Tokenizer Inner => _bert;

    public static BertTransformerTokenizer Create(string vocabFile, bool lowerCase, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        VocabularyFile.RequireExisting(vocabFile, nameof(vocabFile), "BERT vocabulary");
        CheckVocabulary(vocabFile);
        BertTokenizer bert;
        try
        {
            bert = BertTokenizer.Create(vocabFile, new BertOptions { LowerCaseBeforeTokenization = lowerCase });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw VocabularyFile.Malformed(vocabFile, "BERT vocabulary", e.Message, e);
        }

        return new BertTransformerTokenizer(bert, maxTokens);
    }

    public override IReadOnlyList<int> EncodeContent(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _bert.EncodeToIds(text, addSpecialTokens: false);
    }

    // BertTokenizer accepts almost any text file; a vocabulary without the special tokens would encode silently wrong.
    private static void CheckVocabulary(string vocabFile)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(vocabFile))
        {
            tokens.Add(line.TrimEnd('\r'));
        }

        if (tokens.Count == 0)
        {
            throw VocabularyFile.Malformed(vocabFile, "BERT vocabulary", "it holds no tokens.");
        }

        var missing = RequiredTokens.Where(t => !tokens.Contains(t)).ToArray();
        if (missing.Length > 0)
        {
            throw VocabularyFile.Malformed(vocabFile, "BERT vocabulary", $"it lacks the special token(s) {string.Join(", ", missing)}.");
        }
    }
}
