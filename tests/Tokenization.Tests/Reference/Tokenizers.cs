namespace MlNetGraviton.Tokenization.Tests.Reference;

/// <summary>Our tokenizers for the four reference names, built from the files users have (not from the reference's tokenizer.json).</summary>
internal static class Tokenizers
{
    private static readonly Lazy<TransformerTokenizer> BertUncased = new(() => TransformerTokenizer.CreateBert(VocabFiles.BertUncasedVocab));
    private static readonly Lazy<TransformerTokenizer> BertCased = new(() => TransformerTokenizer.CreateBert(VocabFiles.BertUncasedVocab, lowerCase: false));
    private static readonly Lazy<TransformerTokenizer> Roberta = new(() => TransformerTokenizer.CreateRoberta(VocabFiles.RobertaEncoder, VocabFiles.RobertaMerges, VocabFiles.RobertaDict));
    private static readonly Lazy<TransformerTokenizer> Gpt2 = new(() => TransformerTokenizer.CreateGpt2());

    public static TransformerTokenizer For(string name) => name switch
    {
        HuggingFaceReference.BertUncased => BertUncased.Value,
        HuggingFaceReference.BertCased => BertCased.Value,
        HuggingFaceReference.Roberta => Roberta.Value,
        HuggingFaceReference.Gpt2 => Gpt2.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown reference tokenizer"),
    };

    public static TheoryData<string> Names => new(HuggingFaceReference.Names);
}
