namespace LoadTest.Scenarios;

/// <summary>The target is not in a state the scenario can run against (no such product, a refused token); the message says what to do.</summary>
public sealed class ScenarioSetupException(string message) : InvalidOperationException(message);
