namespace Grains.Persistence.Tests.DefaultStorage;

/// <summary>A grain state for the default storage, which stores it as JSON (the silo's grain storage serializer).</summary>
public sealed class Payload
{
    public string? Text { get; set; }

    public int Number { get; set; }
}
