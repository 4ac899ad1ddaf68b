namespace MlNetGraviton.Runtime;

/// <summary>A run input that does not fit the graph; <see cref="InputName"/> says which one.</summary>
public sealed class InputMismatchException : ArgumentException
{
    public InputMismatchException(string inputName, string message)
        : base(message, "inputs")
    {
        InputName = inputName;
    }

    public string InputName { get; }
}
