namespace MlNetGraviton.Runtime;

/// <summary>Element types a <see cref="Tensor"/> can hold: the ones transformer graphs and their .npy files use.</summary>
public enum TensorElementType
{
    Float32,
    Float16,
    Int64,
    Int32,
    Int8,
    UInt8,
    Bool,
}
