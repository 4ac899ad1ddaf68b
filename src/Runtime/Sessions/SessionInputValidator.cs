using System.Globalization;

namespace MlNetGraviton.Runtime;

/// <summary>
/// Checks run inputs against the graph's inputs before any engine sees them, so a mistake is reported
/// with the input's name and what the graph expects rather than as an engine error.
/// </summary>
internal static class SessionInputValidator
{
    public static void Validate(IReadOnlyList<TensorInfo> expected, IReadOnlyDictionary<string, Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (string name in inputs.Keys)
            if (!expected.Any(e => e.Name == name))
                throw new InputMismatchException(name,
                    $"unknown input '{name}'; the model's inputs are: {string.Join(", ", expected.Select(e => e.ToString()))}");

        // Equal symbolic names must bind to one size across inputs (batch_size of input_ids and attention_mask).
        var bound = new Dictionary<string, (long Size, string Input)>(StringComparer.Ordinal);
        foreach (TensorInfo info in expected)
        {
            if (!inputs.TryGetValue(info.Name, out Tensor? tensor))
                throw new InputMismatchException(info.Name, $"missing input '{info.Name}': the model expects {info}");
            if (tensor is null)
                throw new InputMismatchException(info.Name, $"input '{info.Name}' is null: the model expects {info}");
            if (tensor.ElementType != info.ElementType)
                throw new InputMismatchException(info.Name,
                    $"input '{info.Name}' is {tensor.ElementType.DisplayName()}; the model expects {info.ElementType.DisplayName()} ({info})");

            ReadOnlySpan<long> shape = tensor.ShapeSpan();
            if (shape.Length != info.Rank)
                throw new InputMismatchException(info.Name,
                    $"input '{info.Name}' has shape {Tensor.FormatShape(shape)} (rank {shape.Length}); the model expects rank {info.Rank}: {info.FormatDims()}");
            for (int axis = 0; axis < shape.Length; axis++)
            {
                long want = info.Dims[axis];
                if (want >= 0 && shape[axis] != want)
                    throw new InputMismatchException(info.Name,
                        $"input '{info.Name}' has shape {Tensor.FormatShape(shape)}; dimension {axis} must be {want} (the model expects {info.FormatDims()})");
                string? symbol = info.SymbolicDims[axis];
                if (want >= 0 || string.IsNullOrEmpty(symbol))
                    continue;
                if (bound.TryGetValue(symbol, out var first) && first.Size != shape[axis])
                    throw new InputMismatchException(info.Name,
                        $"input '{info.Name}' has {symbol} = {shape[axis].ToString(CultureInfo.InvariantCulture)} at dimension {axis}, " +
                        $"but input '{first.Input}' has {symbol} = {first.Size.ToString(CultureInfo.InvariantCulture)}");
                bound.TryAdd(symbol, (shape[axis], info.Name));
            }
        }
    }

    /// <summary>The requested output names in order, or all outputs; unknown or repeated names are errors.</summary>
    public static string[] ResolveOutputs(IReadOnlyList<TensorInfo> outputs, IReadOnlyCollection<string>? requested)
    {
        if (requested is null)
            return outputs.Select(o => o.Name).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in requested)
        {
            if (!outputs.Any(o => o.Name == name))
                throw new ArgumentException(
                    $"unknown output '{name}'; the model's outputs are: {string.Join(", ", outputs.Select(o => o.ToString()))}", nameof(requested));
            if (!seen.Add(name))
                throw new ArgumentException($"output '{name}' is requested twice", nameof(requested));
        }
        if (seen.Count == 0)
            throw new ArgumentException("no outputs requested; pass null for all outputs", nameof(requested));
        return requested.ToArray();
    }
}
