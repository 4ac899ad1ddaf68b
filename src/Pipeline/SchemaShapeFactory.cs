using System.Reflection;
using Microsoft.ML;

namespace MlNetGraviton.Pipeline;

/// <summary>
/// Builds a <see cref="SchemaShape"/> from a <see cref="DataViewSchema"/>. ML.NET 5 keeps both SchemaShape.Create and
/// the SchemaShape.Column constructor internal, so an estimator outside ML.NET reaches the factory by reflection.
/// </summary>
internal static class SchemaShapeFactory
{
    private static readonly MethodInfo Create =
        typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])
        ?? throw new MissingMethodException(
            $"{typeof(SchemaShape).FullName}.Create(DataViewSchema) was not found in this Microsoft.ML version; the estimators' schema propagation needs it.");

    public static SchemaShape FromSchema(DataViewSchema schema) => (SchemaShape)Create.Invoke(null, [schema])!;
}
