namespace MlNetGraviton.Runtime.Ops.Contrib;

/// <summary>
/// Gelu, BiasGelu, FastGelu and QuickGelu (com.microsoft): Y = gelu(X + bias) with an optional bias of the last
/// dimension's length (required for BiasGelu). Rows are split over threads when the input is large.
/// </summary>
internal sealed class GeluKernel(string opType, GeluForm form, bool takesBias, float alpha) : OpKernel
{
    public static OpKernel Gelu(OpLoadContext c) => Create(c, GeluForm.Erf, takesBias: false, alpha: 0f);

    public static OpKernel BiasGelu(OpLoadContext c)
    {
        c.RequireInputs(2);
        return Create(c, GeluForm.Erf, takesBias: true, alpha: 0f);
    }

    public static OpKernel FastGelu(OpLoadContext c) => Create(c, GeluForm.Tanh, takesBias: true, alpha: 0f);

    public static OpKernel QuickGelu(OpLoadContext c) => Create(c, GeluForm.Quick, takesBias: false, alpha: c.Attributes.GetFloat("alpha", 1.702f));

    private static GeluKernel Create(OpLoadContext c, GeluForm form, bool takesBias, float alpha)
    {
        c.RequireInputs(1);
        if (!takesBias && c.HasInput(1))
            throw c.Unsupported("takes one input; a second input is not part of this op");
        return new GeluKernel(c.Node.OpType, form, takesBias, alpha);
    }

    public override void Run(OpContext context)
    {
        Tensor x = context.Input(0);
        if (x.ElementType != TensorElementType.Float32)
            throw new ArgumentException($"{opType} supports float32 input; X is {x}", "X");
        Tensor? bias = takesBias ? context.OptionalInput(1) : null;
        int row = x.Rank == 0 ? 1 : checked((int)x.Dimension(x.Rank - 1));
        if (bias is not null && (bias.ElementType != TensorElementType.Float32 || bias.Rank != 1 || bias.ElementCount != row))
            throw new ArgumentException($"{opType}: bias must be float32 [{row}] (the last dimension of X {x}), got {bias}", "bias");
        Tensor y = context.Output(0, TensorElementType.Float32, x.ShapeSpan());
        if (x.ElementCount == 0)
            return;
        var task = new GeluRows
        {
            X = (float[])x.Data,
            Bias = bias is null ? null : (float[])bias.Data,
            Y = (float[])y.Data,
            Row = row,
            Form = form,
            Alpha = alpha,
        };
        ParallelRows.For(ref task, x.ElementCount / row, row, context.Threads);
    }

    private struct GeluRows : IRowRangeTask
    {
        public float[] X;
        public float[]? Bias;
        public float[] Y;
        public int Row;
        public GeluForm Form;
        public float Alpha;

        public readonly void Run(int start, int end)
        {
            // Without a bias consecutive rows are one contiguous run.
            if (Bias is null)
            {
                GeluMath.Row(Form, X.AsSpan(start * Row, (end - start) * Row), default, Y.AsSpan(start * Row, (end - start) * Row), Alpha);
                return;
            }
            for (int r = start; r < end; r++)
                GeluMath.Row(Form, X.AsSpan(r * Row, Row), Bias, Y.AsSpan(r * Row, Row), Alpha);
        }
    }
}
