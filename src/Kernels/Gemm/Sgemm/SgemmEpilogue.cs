namespace MlNetGraviton.Kernels.Gemm;

/// <summary>
/// What <see cref="Sgemm.Run"/> applies to each output tile while it is still hot:
/// C = Activation(Alpha·A·B + Bias + (Accumulate ? C : 0)). <c>default</c> means plain C = A·B.
/// </summary>
public readonly struct SgemmEpilogue
{
    private readonly float _alpha;
    private readonly bool _alphaSet;

    /// <summary>Scale of A·B; 1 unless set (a <c>default</c> struct has alpha 1, not 0).</summary>
    public float Alpha
    {
        get => _alphaSet ? _alpha : 1f;
        init
        {
            _alpha = value;
            _alphaSet = true;
        }
    }

    /// <summary>Per-column bias, length N, or empty for none.</summary>
    public ReadOnlyMemory<float> Bias { get; init; }

    /// <summary>Activation applied last.</summary>
    public GemmActivation Activation { get; init; }

    /// <summary>When true, the existing C is added before the activation (a fused residual add).</summary>
    public bool Accumulate { get; init; }
}
