namespace Runtime;

/// <summary>
/// Marks a grain interface method that may run while other calls on the same activation are in progress,
/// even on a non-reentrant grain. Meant for read-only status queries.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class AlwaysInterleaveAttribute : Attribute;
