namespace MlNetGraviton.Models.Tests.Reference;

/// <summary>Reference results, flattened row-major like the ONNX outputs; NaN rows are queries that see no key.</summary>
internal sealed record ReferenceOutputs(double[] LastHiddenState, double[]? Logits);
