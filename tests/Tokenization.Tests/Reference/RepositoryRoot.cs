namespace MlNetGraviton.Tokenization.Tests.Reference;

/// <summary>The repository root: the first folder above the test binaries that holds MlNetGraviton.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MlNetGraviton.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No MlNetGraviton.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
