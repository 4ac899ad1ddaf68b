namespace MlNetGraviton.Models.Tests.Reference;

/// <summary>Bugs the reference can be told to have, to prove the parity check notices them.</summary>
[Flags]
public enum Mutation
{
    None = 0,
    DropAttentionMask = 1,
    DropCausalMask = 2,
    DropScale = 4,
    SingleHead = 8,
}
