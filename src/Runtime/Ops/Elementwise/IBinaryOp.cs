namespace MlNetGraviton.Runtime.Ops.Elementwise;

/// <summary>
/// One element-wise binary operation written once. The span forms return false unless the op vectorises them
/// (TensorPrimitives); the broadcasting driver then falls back to <see cref="Apply(T, T)"/> per element.
/// </summary>
internal interface IBinaryOp<T, TR>
{
    static abstract TR Apply(T x, T y);

    static virtual bool TryApply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<TR> d) => false;

    static virtual bool TryApply(ReadOnlySpan<T> x, T y, Span<TR> d) => false;

    static virtual bool TryApply(T x, ReadOnlySpan<T> y, Span<TR> d) => false;
}
