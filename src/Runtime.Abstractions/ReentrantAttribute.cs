namespace Runtime;

/// <summary>
/// Lets a grain start new calls while earlier ones are awaiting. Code between two awaits still runs alone, so
/// state mutation stays single-threaded; what changes is that another call may run during an await.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class ReentrantAttribute : Attribute;
