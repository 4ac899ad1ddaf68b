using MlNetGraviton.Models;

namespace MlNetGraviton.Runtime.Tests.Graviton;

/// <summary>
/// int64 [batch, sequence] inputs for the src/Models graphs: row 0 full, odd rows right padded, other rows left padded,
/// random real token ids; BERT also gets token types with a segment boundary.
/// </summary>
internal static class TransformerInputs
{
    public static Dictionary<string, Tensor> Create(TransformerConfig config, int batch, int sequence, int seed)
    {
        var random = new Random(seed);
        long pad = config.Architecture switch
        {
            TransformerArchitecture.Bert => 0,
            TransformerArchitecture.Roberta => 1,
            _ => 50256 % config.VocabSize,
        };
        var ids = new long[batch * sequence];
        var mask = new long[batch * sequence];
        var types = new long[batch * sequence];
        for (int b = 0; b < batch; b++)
        {
            int padding = b == 0 ? 0 : Math.Min(sequence - 1, 1 + (b * 3) % Math.Max(1, sequence / 2 + 1));
            bool left = b % 2 == 0;
            int boundary = random.Next(1, sequence + 1);
            for (int t = 0; t < sequence; t++)
            {
                bool isPadding = left ? t < padding : t >= sequence - padding;
                int i = b * sequence + t;
                ids[i] = isPadding ? pad : random.Next(3, config.VocabSize);
                mask[i] = isPadding ? 0 : 1;
                types[i] = !isPadding && t >= boundary ? 1 : 0;
            }
        }
        var inputs = new Dictionary<string, Tensor>
        {
            ["input_ids"] = Tensor.Create(ids, batch, sequence),
            ["attention_mask"] = Tensor.Create(mask, batch, sequence),
        };
        if (config.Architecture == TransformerArchitecture.Bert)
            inputs["token_type_ids"] = Tensor.Create(types, batch, sequence);
        return inputs;
    }
}
