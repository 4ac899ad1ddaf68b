namespace MlNetGraviton.Runtime.Conformance;

/// <summary>
/// One node test's result. <see cref="Op"/> is the op the test is about (for an <c>*_expanded</c> test, the op of its
/// non-expanded twin); <see cref="Detail"/> says why it failed (first mismatch or exception) or why it was skipped.
/// </summary>
public sealed record NodeTestResult(string Name, string Op, NodeTestOutcome Outcome, string Detail);
