namespace MlNetGraviton.Runtime.Ops;

/// <summary>
/// A node's compiled form, made once at load by an <see cref="OpFactory"/>. Run reads inputs and writes outputs through
/// the per-run <see cref="OpContext"/>; a kernel keeps no per-run state, so one session can run on many threads at once.
/// </summary>
internal abstract class OpKernel
{
    public abstract void Run(OpContext context);
}

/// <summary>Builds the kernel for one node, checking its attributes (and constant inputs) at load.</summary>
internal delegate OpKernel OpFactory(OpLoadContext context);
