namespace MlNetGraviton.Kernels.Emit;

/// <summary>A64 condition codes (the 4-bit <c>cond</c> field of B.cond).</summary>
public enum A64Condition
{
    Eq = 0, Ne = 1, Hs = 2, Lo = 3, Mi = 4, Pl = 5, Vs = 6, Vc = 7,
    Hi = 8, Ls = 9, Ge = 10, Lt = 11, Gt = 12, Le = 13, Al = 14,
}
