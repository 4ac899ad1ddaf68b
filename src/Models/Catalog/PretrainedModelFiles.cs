namespace MlNetGraviton.Models.Catalog;

/// <summary>Where a pretrained model's files are on disk once extracted into the model cache.</summary>
/// <param name="Folder">The model's cache folder.</param>
/// <param name="ModelFile">The ONNX graph.</param>
/// <param name="VocabFile">The tokenizer's vocabulary (WordPiece <c>vocab.txt</c>).</param>
public sealed record PretrainedModelFiles(string Folder, string ModelFile, string VocabFile);
