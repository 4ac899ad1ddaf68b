namespace MlNetGraviton.Pipeline.Mapping;

/// <summary>
/// Computes a mapping's added columns for a batch of rows: <see cref="ReadRow"/> copies one input row into a slot,
/// <see cref="Compute"/> fills the outputs of the first <c>count</c> slots, getters read the output of the current slot.
/// One instance serves one cursor (or one row), so it may keep scratch buffers.
/// </summary>
internal abstract class BatchProcessor
{
    /// <summary>Copies the needed values of the input row's current position into <paramref name="slot"/>.</summary>
    public abstract void ReadRow(int slot);

    /// <summary>Computes the added columns for slots 0 .. count-1.</summary>
    public abstract void Compute(int count);

    /// <summary>A <c>ValueGetter&lt;T&gt;</c> of added column <paramref name="addedColumn"/> at the slot <paramref name="currentSlot"/> gives.</summary>
    public abstract Delegate CreateGetter(int addedColumn, Func<int> currentSlot);

}
