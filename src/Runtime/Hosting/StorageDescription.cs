namespace Runtime.Hosting;

/// <summary>Which storage the silo was given, so it can say so (and warn when nothing is durable).</summary>
internal sealed record StorageDescription(string Name, bool IsDurable);

/// <summary>An assembly whose grain classes this silo hosts.</summary>
internal sealed record GrainAssembly(System.Reflection.Assembly Assembly);
