using Microsoft.ML;

namespace MlNetGraviton.Pipeline.Tests;

/// <summary>Wraps a data view and counts the rows its cursors move to, to observe streaming.</summary>
internal sealed class CountingDataView(IDataView inner) : IDataView
{
    public int RowsPulled { get; private set; }

    public bool CanShuffle => false;

    public DataViewSchema Schema => inner.Schema;

    public long? GetRowCount() => inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new Cursor(this, inner.GetRowCursor(columnsNeeded));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded)];

    private sealed class Cursor(CountingDataView owner, DataViewRowCursor input) : DataViewRowCursor
    {
        public override DataViewSchema Schema => input.Schema;

        public override long Position => input.Position;

        public override long Batch => input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => input.IsColumnActive(column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => input.GetGetter<TValue>(column);

        public override bool MoveNext()
        {
            var moved = input.MoveNext();
            if (moved)
            {
                owner.RowsPulled++;
            }

            return moved;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                input.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
