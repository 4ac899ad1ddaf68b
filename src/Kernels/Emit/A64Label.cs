namespace MlNetGraviton.Kernels.Emit;

/// <summary>A branch target inside one <see cref="A64Assembler"/>; bind it once, branch to it any number of times.</summary>
public readonly record struct A64Label(int Id);
