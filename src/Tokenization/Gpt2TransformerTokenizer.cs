using Microsoft.ML.Tokenizers;

namespace MlNetGraviton.Tokenization;

/// <summary>GPT-2 encoding over the HF-exact Tiktoken "gpt2" tokenizer: no special tokens, padding with end-of-text.</summary>
internal sealed class Gpt2TransformerTokenizer : TransformerTokenizer
{
    /// <summary>GPT-2's <c>&lt;|endoftext|&gt;</c> id, used as the pad id (masked out) as Hugging Face pipelines do.</summary>
    public const int EndOfTextId = 50256;

    private static readonly Lazy<TiktokenTokenizer> Shared = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    private readonly TiktokenTokenizer _tiktoken;

    /// <summary>GPT-2's pre-tokenization regex, shared with RoBERTa which splits text the same way.</summary>
    public static PreTokenizer Gpt2PreTokenizer => Shared.Value.PreTokenizer!;

    private Gpt2TransformerTokenizer(TiktokenTokenizer tiktoken, int maxTokens)
        : base(maxTokens, [], [], EndOfTextId)
    {
        _tiktoken = tiktoken;
    }

    public override Tokenizer Inner => _tiktoken;

    public static Gpt2TransformerTokenizer Create(int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        return new Gpt2TransformerTokenizer(Shared.Value, maxTokens);
    }

    public override IReadOnlyList<int> EncodeContent(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _tiktoken.EncodeToIds(text);
    }
}
