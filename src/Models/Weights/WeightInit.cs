namespace MlNetGraviton.Models.Weights;

/// <summary>
/// How one initializer is filled: value = Mean + std * N(0,1), where the first <see cref="LeadingColumns"/>
/// columns of each row use <see cref="LeadingStd"/> (GPT-2's fused c_attn keeps Q and K there), and row
/// <see cref="ZeroRow"/> is all zeros (HF zeroes the padding_idx row of an embedding).
/// </summary>
internal readonly record struct WeightInit(float Mean, float Std, int LeadingColumns = 0, float LeadingStd = 0f, int ZeroRow = -1)
{
    public static WeightInit Normal(float std, int zeroRow = -1) => new(0f, std, ZeroRow: zeroRow);

    public static WeightInit Constant(float value) => new(value, 0f);
}
