namespace MlNetGraviton.Runtime;

/// <summary>Builds the exception for a .npy file that cannot be read, with the file named first.</summary>
internal static class NpyFormatError
{
    public static InvalidDataException Create(string path, string problem) => new($"{path}: {problem}");
}
