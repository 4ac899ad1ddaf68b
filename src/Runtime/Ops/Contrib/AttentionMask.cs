namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>Which of ORT's mask_index forms an Attention node received.</summary>
internal enum AttentionMaskForm
{
    None,
    /// <summary>[B]: key j of batch b is valid when j &lt; end[b] (right padding).</summary>
    KeyEnds,
    /// <summary>[2B]: ends, then starts: valid when start[b] ≤ j &lt; end[b] (left and right padding).</summary>
    KeyRanges,
    /// <summary>[B, T]: 1 keeps key j, 0 masks it.</summary>
    Raw2D,
    /// <summary>[B, S, T]: 1 keeps key j for query i, 0 masks it.</summary>
    Raw3D,
}

/// <summary>
/// ORT's Attention mask_index, turned into additive terms the way its CPU kernel does: a masked key adds
/// mask_filter_value (default −10000) to the scaled score. A [1, 1] or [B, 1] mask is ORT's "dummy" form: no mask.
/// </summary>
internal readonly struct AttentionMask
{
    private readonly int[]? _data;
    private readonly int _batch, _sequence, _total;
    private readonly float _filter;

    private AttentionMask(AttentionMaskForm form, int[]? data, int batch, int sequence, int total, float filter)
    {
        Form = form;
        _data = data;
        _batch = batch;
        _sequence = sequence;
        _total = total;
        _filter = filter;
    }

    public AttentionMaskForm Form { get; }

    /// <summary>Reads and checks mask_index against batch B, sequence S and total (key) length T.</summary>
    public static AttentionMask From(Tensor? mask, int batch, int sequence, int total, float filter)
    {
        if (mask is null)
            return new AttentionMask(AttentionMaskForm.None, null, batch, sequence, total, filter);
        if (mask.ElementType != TensorElementType.Int32)
            throw new ArgumentException($"Attention: mask_index must be int32, got {mask}", "mask_index");
        ReadOnlySpan<long> s = mask.ShapeSpan();
        AttentionMaskForm form = s.Length switch
        {
            2 when s[1] == 1 && (s[0] == 1 || s[0] == batch) => AttentionMaskForm.None,
            1 when s[0] == batch => AttentionMaskForm.KeyEnds,
            1 when s[0] == 2L * batch => AttentionMaskForm.KeyRanges,
            2 when s[0] == batch && s[1] == total => AttentionMaskForm.Raw2D,
            3 when s[0] == batch && s[1] == sequence && s[2] == total => AttentionMaskForm.Raw3D,
            4 => throw new ArgumentException(
                $"Attention: 4-D mask_index {mask} (Megatron form) is not supported; use [B], [2B], [B, T] or [B, S, T]", "mask_index"),
            _ => throw new ArgumentException(
                $"Attention: mask_index {mask} matches none of [B], [2B], [B, T], [B, S, T] for B = {batch}, S = {sequence}, T = {total}", "mask_index"),
        };
        return new AttentionMask(form, (int[])mask.Data, batch, sequence, total, filter);
    }

    /// <summary>True when the mask differs per query row (the 3-D form), so <see cref="AddQueryRow"/> applies.</summary>
    public bool PerQuery => Form == AttentionMaskForm.Raw3D;

    /// <summary>The additive key mask of batch <paramref name="b"/> shared by all its query rows (zeros for none or 3-D).</summary>
    public void KeyRow(int b, Span<float> row)
    {
        row.Clear();
        switch (Form)
        {
            case AttentionMaskForm.KeyEnds:
            case AttentionMaskForm.KeyRanges:
                int end = Math.Clamp(_data![b], 0, _total);
                row[end..].Fill(_filter);
                if (Form == AttentionMaskForm.KeyRanges)
                    row[..Math.Clamp(_data[b + _batch], 0, _total)].Fill(_filter);
                break;
            case AttentionMaskForm.Raw2D:
                ReadOnlySpan<int> raw = _data.AsSpan(b * _total, _total);
                for (int j = 0; j < raw.Length; j++)
                    if (raw[j] <= 0)
                        row[j] = _filter;
                break;
        }
    }

    /// <summary>Adds the 3-D mask's terms for query <paramref name="i"/> of batch <paramref name="b"/>.</summary>
    public void AddQueryRow(int b, int i, Span<float> scores)
    {
        ReadOnlySpan<int> raw = _data.AsSpan((b * _sequence + i) * _total, scores.Length);
        for (int j = 0; j < raw.Length; j++)
            if (raw[j] <= 0)
                scores[j] += _filter;
    }
}
