namespace MlNetGraviton.Runtime;

/// <summary>ONNX Runtime's graph optimization levels, mirrored so callers need not reference ONNX Runtime.</summary>
public enum GraphOptimization
{
    Disable,
    Basic,
    Extended,
    All,
}
