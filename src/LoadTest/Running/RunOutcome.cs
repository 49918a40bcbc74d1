namespace LoadTest.Running;

/// <summary>How the load phase ended: after how long, why it stopped starting iterations, and a fatal error if one stopped it.</summary>
public sealed record RunOutcome(TimeSpan Elapsed, string StoppedBy, Exception? Fatal);
