using System.Runtime.InteropServices;
using Onnx;

namespace MlNetGraviton.Models.Tests.Reference;

/// <summary>Float initializers of a built model, looked up by their Hugging Face names.</summary>
internal sealed class ModelWeights
{
    private readonly Dictionary<string, (float[] Values, long[] Dims)> tensors = [];

    public ModelWeights(ModelProto model)
    {
        foreach (var tensor in model.Graph.Initializer)
        {
            if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
                continue;
            float[] values = MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
            tensors[tensor.Name] = (values, tensor.Dims.ToArray());
        }
    }

    public float[] this[string name] => Get(name).Values;

    public (float[] Values, long[] Dims) Get(string name) =>
        tensors.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"The model has no float initializer '{name}'.");
}
