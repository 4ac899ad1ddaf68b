using System.Globalization;

namespace MlNetGraviton.Models;

/// <summary>
/// Shape and initialisation of a transformer graph. Sizes follow the Hugging Face configs
/// (num_hidden_layers, hidden_size, num_attention_heads, intermediate_size, vocab_size,
/// max_position_embeddings, type_vocab_size, layer_norm_eps).
/// </summary>
/// <param name="InitStd">Standard deviation of the normal init of weights and embeddings (HF: initializer_range 0.02).</param>
/// <param name="AttentionStd">Standard deviation of the query and key projection weights; raise it so attention is far from uniform.</param>
/// <param name="RandomBiasesAndNorms">When true, biases and LayerNorm beta are drawn from N(0, 0.1) and gamma from N(1, 0.1) instead of 0 / 1, so tests exercise them.</param>
public sealed record TransformerConfig(
    TransformerArchitecture Architecture,
    ModelSize Size,
    int Layers,
    int Hidden,
    int Heads,
    int FfnSize,
    int VocabSize,
    int MaxPositions,
    int TypeVocabSize,
    double LayerNormEpsilon,
    int NumLabels = 0,
    bool Cased = false,
    float InitStd = 0.02f,
    float AttentionStd = 0.02f,
    bool RandomBiasesAndNorms = false)
{
    public const int BertCasedVocabSize = 28996;
    public const int BertUncasedVocabSize = 30522;
    public const int RobertaVocabSize = 50265;
    public const int Gpt2VocabSize = 50257;

    /// <summary>The names <see cref="FromName"/> accepts (Hugging Face names for base and large).</summary>
    public static IReadOnlyList<string> KnownNames { get; } =
    [
        "bert-tiny-uncased", "bert-tiny-cased", "bert-base-uncased", "bert-base-cased", "bert-large-uncased", "bert-large-cased",
        "roberta-tiny", "roberta-base", "roberta-large",
        "gpt2-tiny", "gpt2", "gpt2-medium",
    ];

    /// <summary>A preset: tiny (2/64/4/256), base (12/768/12/3072) or large (24/1024/16/4096) with the real vocabulary size.</summary>
    public static TransformerConfig Create(TransformerArchitecture arch, ModelSize size, bool cased = false, int numLabels = 0)
    {
        var (layers, hidden, heads, ffn) = size switch
        {
            ModelSize.Tiny => (2, 64, 4, 256),
            ModelSize.Base => (12, 768, 12, 3072),
            ModelSize.Large => (24, 1024, 16, 4096),
            _ => throw new ArgumentException($"Size: unknown model size {size}.", nameof(size)),
        };
        var config = arch switch
        {
            TransformerArchitecture.Bert => new TransformerConfig(arch, size, layers, hidden, heads, ffn,
                cased ? BertCasedVocabSize : BertUncasedVocabSize, MaxPositions: 512, TypeVocabSize: 2, LayerNormEpsilon: 1e-12,
                NumLabels: numLabels, Cased: cased),
            // RoBERTa reserves positions 0 and 1 (padding_idx = 1), hence 514; byte-level BPE is always cased.
            TransformerArchitecture.Roberta => new TransformerConfig(arch, size, layers, hidden, heads, ffn,
                RobertaVocabSize, MaxPositions: 514, TypeVocabSize: 1, LayerNormEpsilon: 1e-5, NumLabels: numLabels, Cased: true),
            TransformerArchitecture.Gpt2 => new TransformerConfig(arch, size, layers, hidden, heads, ffn,
                Gpt2VocabSize, MaxPositions: 1024, TypeVocabSize: 0, LayerNormEpsilon: 1e-5, NumLabels: numLabels, Cased: true),
            _ => throw new ArgumentException($"Architecture: unknown architecture {arch}.", nameof(arch)),
        };
        config.Validate();
        return config;
    }

    /// <summary>The preset with this name (see <see cref="KnownNames"/>), e.g. "bert-base-cased", "roberta-large", "gpt2".</summary>
    public static TransformerConfig FromName(string name, int numLabels = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "bert-tiny-uncased" => Create(TransformerArchitecture.Bert, ModelSize.Tiny, false, numLabels),
            "bert-tiny-cased" => Create(TransformerArchitecture.Bert, ModelSize.Tiny, true, numLabels),
            "bert-base-uncased" => Create(TransformerArchitecture.Bert, ModelSize.Base, false, numLabels),
            "bert-base-cased" => Create(TransformerArchitecture.Bert, ModelSize.Base, true, numLabels),
            "bert-large-uncased" => Create(TransformerArchitecture.Bert, ModelSize.Large, false, numLabels),
            "bert-large-cased" => Create(TransformerArchitecture.Bert, ModelSize.Large, true, numLabels),
            "roberta-tiny" => Create(TransformerArchitecture.Roberta, ModelSize.Tiny, numLabels: numLabels),
            "roberta-base" => Create(TransformerArchitecture.Roberta, ModelSize.Base, numLabels: numLabels),
            "roberta-large" => Create(TransformerArchitecture.Roberta, ModelSize.Large, numLabels: numLabels),
            "gpt2-tiny" => Create(TransformerArchitecture.Gpt2, ModelSize.Tiny, numLabels: numLabels),
            "gpt2" => Create(TransformerArchitecture.Gpt2, ModelSize.Base, numLabels: numLabels),
            "gpt2-medium" => Create(TransformerArchitecture.Gpt2, ModelSize.Large, numLabels: numLabels),
            _ => throw new ArgumentException(
                $"Name: unknown model name '{name}'. Known names: {string.Join(", ", KnownNames)}.", nameof(name)),
        };
    }

    /// <summary>Hugging Face style name: "bert-base-uncased", "bert-tiny-cased", "roberta-base", "gpt2", "gpt2-medium".</summary>
    public string Name => (Architecture, Size) switch
    {
        (TransformerArchitecture.Gpt2, ModelSize.Base) => "gpt2",
        (TransformerArchitecture.Gpt2, ModelSize.Large) => "gpt2-medium",
        (TransformerArchitecture.Gpt2, _) => "gpt2-" + SizeName,
        (TransformerArchitecture.Roberta, _) => "roberta-" + SizeName,
        _ => $"bert-{SizeName}-{(Cased ? "cased" : "uncased")}",
    };

    public int HeadDim => Hidden / Heads;

    /// <summary>Number of trainable parameters in the built graph (tied GPT-2 embeddings counted once; no pooler without a classification head).</summary>
    public long ParameterCount
    {
        get
        {
            long h = Hidden, f = FfnSize;
            long layer = 4 * (h * h + h) + (h * f + f) + (f * h + h) + 2 * 2 * h;
            long embeddings = (long)VocabSize * h + (long)MaxPositions * h;
            long total = embeddings + Layers * layer;
            if (Architecture == TransformerArchitecture.Gpt2)
                return total + 2 * h; // ln_f
            total += (long)TypeVocabSize * h + 2 * h; // token type embeddings, embeddings LayerNorm
            if (NumLabels > 0)
                total += h * h + h + h * NumLabels + NumLabels; // pooler (BERT) or classifier.dense (RoBERTa), then the label projection
            return total;
        }
    }

    private string SizeName => Size.ToString().ToLowerInvariant();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Architecture))
            throw Invalid(nameof(Architecture), $"unknown architecture {(int)Architecture}");
        if (!Enum.IsDefined(Size))
            throw Invalid(nameof(Size), $"unknown model size {(int)Size}");
        RequirePositive(nameof(Layers), Layers);
        RequirePositive(nameof(Hidden), Hidden);
        RequirePositive(nameof(Heads), Heads);
        if (Hidden % Heads != 0)
            throw Invalid(nameof(Hidden), $"Hidden ({Hidden}) must be divisible by Heads ({Heads})");
        RequirePositive(nameof(FfnSize), FfnSize);
        RequirePositive(nameof(VocabSize), VocabSize);
        RequirePositive(nameof(MaxPositions), MaxPositions);
        if (Architecture == TransformerArchitecture.Roberta && VocabSize <= RobertaPaddingIdx)
            throw Invalid(nameof(VocabSize), $"RoBERTa needs VocabSize > {RobertaPaddingIdx} (its padding id), got {VocabSize}");
        if (Architecture == TransformerArchitecture.Roberta && MaxPositions <= RobertaPaddingIdx + 1)
            throw Invalid(nameof(MaxPositions), $"RoBERTa positions start at {RobertaPaddingIdx + 1}, so MaxPositions must exceed it, got {MaxPositions}");
        if (Architecture == TransformerArchitecture.Gpt2)
        {
            if (TypeVocabSize != 0)
                throw Invalid(nameof(TypeVocabSize), $"GPT-2 has no token type embeddings, so TypeVocabSize must be 0, got {TypeVocabSize}");
            if (NumLabels != 0)
                throw Invalid(nameof(NumLabels), $"GPT-2 graphs carry the LM head only, so NumLabels must be 0, got {NumLabels}");
        }
        else
        {
            RequirePositive(nameof(TypeVocabSize), TypeVocabSize);
        }
        if (NumLabels < 0)
            throw Invalid(nameof(NumLabels), $"NumLabels must be 0 (no head) or positive, got {NumLabels}");
        if (!double.IsFinite(LayerNormEpsilon) || LayerNormEpsilon <= 0)
            throw Invalid(nameof(LayerNormEpsilon), $"LayerNormEpsilon must be a positive finite number, got {LayerNormEpsilon}");
        if (!float.IsFinite(InitStd) || InitStd <= 0)
            throw Invalid(nameof(InitStd), $"InitStd must be a positive finite number, got {InitStd}");
        if (!float.IsFinite(AttentionStd) || AttentionStd <= 0)
            throw Invalid(nameof(AttentionStd), $"AttentionStd must be a positive finite number, got {AttentionStd}");
    }

    /// <summary>A stable text of every field, used to key cached files.</summary>
    internal string CanonicalText => string.Create(CultureInfo.InvariantCulture,
        $"{Architecture}|{Size}|{Layers}|{Hidden}|{Heads}|{FfnSize}|{VocabSize}|{MaxPositions}|{TypeVocabSize}|{LayerNormEpsilon:R}|{NumLabels}|{Cased}|{InitStd:R}|{AttentionStd:R}|{RandomBiasesAndNorms}");

    internal const int RobertaPaddingIdx = 1;

    private static void RequirePositive(string field, int value)
    {
        if (value <= 0)
            throw Invalid(field, $"{field} must be positive, got {value}");
    }

    private static ArgumentException Invalid(string field, string message) =>
        new($"TransformerConfig.{field}: {message}.", field);
}
