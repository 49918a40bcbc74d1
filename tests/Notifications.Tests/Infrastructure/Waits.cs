namespace Notifications.Tests.Infrastructure;

/// <summary>How long a test waits for a signal before it fails: generous, since a miss is a failure, never a retry.</summary>
public static class Waits
{
    /// <summary>A worker process starting, a broker node starting.</summary>
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(60);

    /// <summary>Mails, log lines, messages.</summary>
    public static readonly TimeSpan Signal = TimeSpan.FromSeconds(30);
}
