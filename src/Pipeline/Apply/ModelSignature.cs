using MlNetGraviton.Runtime;

namespace MlNetGraviton.Pipeline.Apply;

/// <summary>
/// What the apply-transformer needs from a model's inputs and outputs, checked once at load:
/// token inputs of rank 2 and integer type, and the chosen output with a fixed last dimension.
/// </summary>
internal sealed class ModelSignature
{
    public const string LastHiddenState = "last_hidden_state";
    public const string Logits = "logits";

    private static readonly string[] TokenInputs = [TokenColumns.InputIds, TokenColumns.AttentionMask, TokenColumns.TokenTypeIds];

    private ModelSignature(IReadOnlyList<TensorInfo> inputs, TensorInfo output, int width)
    {
        Inputs = inputs;
        Output = output;
        Width = width;
    }

    /// <summary>Graph inputs, each named after its token column.</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The graph output the column is computed from.</summary>
    public TensorInfo Output { get; }

    /// <summary>Length of the output vector per row (hidden size, labels or vocabulary).</summary>
    public int Width { get; }

    /// <summary>True when <see cref="Output"/> is [batch, sequence, width] and must be reduced per row.</summary>
    public bool PerToken => Output.Rank == 3;

    public static ModelSignature Read(IInferenceSession session, string modelFile, TransformerOutput output)
    {
        foreach (var input in session.Inputs)
        {
            if (!TokenInputs.Contains(input.Name))
            {
                throw new InvalidOperationException(
                    $"Model '{modelFile}' has input '{input.Name}' {input.FormatDims()}; only {string.Join(", ", TokenInputs)} can be fed from token columns.");
            }

            if (input.Rank != 2 || input.ElementType is not (TensorElementType.Int64 or TensorElementType.Int32))
            {
                throw new InvalidOperationException(
                    $"Model '{modelFile}' input '{input}' must be Int64 or Int32 of rank 2 [batch, sequence].");
            }
        }

        if (!session.Inputs.Any(i => i.Name == TokenColumns.InputIds))
        {
            throw new InvalidOperationException($"Model '{modelFile}' has no '{TokenColumns.InputIds}' input.");
        }

        var name = output == TransformerOutput.Embedding ? LastHiddenState : Logits;
        var info = session.Outputs.FirstOrDefault(o => o.Name == name)
            ?? throw new InvalidOperationException(
                $"Model '{modelFile}' has no '{name}' output (it has {string.Join(", ", session.Outputs.Select(o => o.Name))}), needed for {output}.");
        var ranks = output == TransformerOutput.Embedding ? [3] : new[] { 2, 3 };
        if (!ranks.Contains(info.Rank) || info.ElementType != TensorElementType.Float32)
        {
            throw new InvalidOperationException(
                $"Model '{modelFile}' output '{info}' must be Float32 of rank {string.Join(" or ", ranks)}.");
        }

        var width = info.Dims[^1];
        if (width <= 0 || width > int.MaxValue)
        {
            throw new InvalidOperationException(
                $"Model '{modelFile}' output '{info}' has no fixed last dimension, so the column's vector size is unknown.");
        }

        return new ModelSignature(session.Inputs, info, (int)width);
    }
}
