namespace MlNetGraviton.Models.Tests;

/// <summary>
/// int64 [batch, sequence] inputs. Row 0 is full; row 1 is right padded; row 2 left padded; further rows alternate.
/// Token ids are random real tokens; padded slots hold the architecture's pad id.
/// </summary>
internal sealed record ModelInputs(int Batch, int Sequence, long[] InputIds, long[] AttentionMask, long[]? TokenTypeIds)
{
    public long[] Row(long[] values, int b) => values.AsSpan(b * Sequence, Sequence).ToArray();

    public static ModelInputs Create(TransformerConfig config, int batch, int sequence, int seed)
    {
        var random = new Random(seed);
        long pad = config.Architecture switch
        {
            TransformerArchitecture.Bert => 0,
            TransformerArchitecture.Roberta => 1,
            _ => 50256 % config.VocabSize, // GPT-2 batches are usually padded with <|endoftext|>
        };
        var ids = new long[batch * sequence];
        var mask = new long[batch * sequence];
        long[]? types = config.Architecture == TransformerArchitecture.Bert ? new long[batch * sequence] : null;
        for (int b = 0; b < batch; b++)
        {
            int padding = b == 0 ? 0 : Math.Min(sequence - 1, 1 + (b * 3) % Math.Max(1, sequence / 2 + 1));
            bool left = b % 2 == 0;
            int typeBoundary = random.Next(1, sequence + 1);
            for (int t = 0; t < sequence; t++)
            {
                bool isPadding = left ? t < padding : t >= sequence - padding;
                int i = b * sequence + t;
                ids[i] = isPadding ? pad : random.Next(3, config.VocabSize);
                mask[i] = isPadding ? 0 : 1;
                if (types is not null)
                    types[i] = !isPadding && t >= typeBoundary ? 1 : 0;
            }
        }
        return new ModelInputs(batch, sequence, ids, mask, types);
    }

    public Dictionary<string, long[]> ByName()
    {
        var inputs = new Dictionary<string, long[]> { ["input_ids"] = InputIds, ["attention_mask"] = AttentionMask };
        if (TokenTypeIds is not null)
            inputs["token_type_ids"] = TokenTypeIds;
        return inputs;
    }
}
