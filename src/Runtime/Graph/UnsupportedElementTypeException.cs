namespace MlNetGraviton.Runtime.Graph;

/// <summary>A tensor of an ONNX element type the engine does not hold (double, string, bfloat16...).</summary>
public sealed class UnsupportedElementTypeException(string message) : NotSupportedException(message);
