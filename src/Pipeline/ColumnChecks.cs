using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetGraviton.Pipeline;

/// <summary>Input-column checks for estimators and transformers; every failure names the column and the expected type.</summary>
internal static class ColumnChecks
{
    public const string TextKind = "String (text scalar)";
    public const string Int64VectorKind = "vector of Int64";

    public static SchemaShape.Column RequireText(SchemaShape schema, string name)
    {
        var column = Find(schema, name, TextKind);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
        {
            throw WrongType(name, TextKind, Describe(column));
        }

        return column;
    }

    public static bool Has(SchemaShape schema, string name) => schema.Any(c => c.Name == name);

    public static SchemaShape.Column RequireInt64Vector(SchemaShape schema, string name)
    {
        var column = Find(schema, name, Int64VectorKind);
        if (column.Kind == SchemaShape.Column.VectorKind.Scalar || column.ItemType != NumberDataViewType.Int64)
        {
            throw WrongType(name, Int64VectorKind, Describe(column));
        }

        return column;
    }

    public static DataViewSchema.Column RequireText(DataViewSchema schema, string name)
    {
        var column = Find(schema, name, TextKind);
        if (column.Type is not TextDataViewType)
        {
            throw WrongType(name, TextKind, column.Type.ToString() ?? column.Type.RawType.Name);
        }

        return column;
    }

    public static DataViewSchema.Column RequireInt64Vector(DataViewSchema schema, string name)
    {
        var column = Find(schema, name, Int64VectorKind);
        if (column.Type is not VectorDataViewType { ItemType: var item } || item != NumberDataViewType.Int64)
        {
            throw WrongType(name, Int64VectorKind, column.Type.ToString() ?? column.Type.RawType.Name);
        }

        return column;
    }

    /// <summary>The input shape plus the added columns (which replace input columns of the same name).</summary>
    public static SchemaShape WithAddedColumns(SchemaShape input, IEnumerable<(string Name, DataViewType Type)> added)
    {
        var builder = new DataViewSchema.Builder();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, type) in added)
        {
            builder.AddColumn(name, type);
            names.Add(name);
        }

        var addedShape = SchemaShapeFactory.FromSchema(builder.ToSchema());
        return new SchemaShape(input.Where(c => !names.Contains(c.Name)).Concat(addedShape));
    }

    private static SchemaShape.Column Find(SchemaShape schema, string name, string expected)
        => schema.LastOrDefault(c => c.Name == name) is { Name: not null } column
            ? column
            : throw Missing(name, expected, schema.Select(c => c.Name));

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string expected)
        => schema.GetColumnOrNull(name)
            ?? throw Missing(name, expected, schema.Where(c => !c.IsHidden).Select(c => c.Name));

    private static ArgumentOutOfRangeException Missing(string name, string expected, IEnumerable<string> available)
        => new(name, $"Input column '{name}' ({expected}) is missing; the data has: {string.Join(", ", available)}.");

    private static InvalidOperationException WrongType(string name, string expected, string found)
        => new($"Input column '{name}' must be a {expected}, but it is {found}.");

    private static string Describe(SchemaShape.Column column)
        => column.Kind == SchemaShape.Column.VectorKind.Scalar ? $"{column.ItemType}" : $"{column.Kind} of {column.ItemType}";
}
