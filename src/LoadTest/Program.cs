using LoadTest.Arguments;
using LoadTest.Auth;
using LoadTest.Measuring;
using LoadTest.Reporting;
using LoadTest.Running;
using LoadTest.Scenarios;
using Spectre.Console;

// The load generator: parse and check every argument, set the scenario up through the API, run it bounded in count
// and time with live progress, check what must hold, then print the tables, write the JSON and end with one line.
var parsed = ArgumentParser.Parse(args, Environment.GetEnvironmentVariable);
if (parsed.HelpRequested)
{
    Console.WriteLine(ArgumentParser.Usage);
    return 0;
}

if (parsed.Arguments is not { } arguments)
{
    foreach (var error in parsed.Errors)
    {
        await Console.Error.WriteLineAsync($"loadtest: {error}");
    }

    await Console.Error.WriteLineAsync("loadtest: nothing was sent; --help lists the options.");
    return 2;
}

if (!LiveProgress.IsInteractive)
{
    // Piped output has no terminal width: wide enough that the summary tables do not wrap in a log.
    AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
}

var time = TimeProvider.System;
using var http = ApiClient.CreateHttpClient(arguments.Concurrency);
var stats = new RunStats();
var api = new ApiClient(http, arguments.Target, stats, time);
var minter = arguments.SigningKey is { } key ? new TokenMinter(key, arguments.Issuer, arguments.Audience, time) : null;
Scenario scenario = arguments.Scenario switch
{
    ScenarioName.FlashSale => new FlashSaleScenario(arguments, api, minter!, stats),
    ScenarioName.Checkout => new CheckoutScenario(arguments, api, minter!, time),
    _ => new BrowseScenario(arguments, api),
};

Console.WriteLine($"loadtest{(arguments.Smoke ? " --smoke" : "")}: {scenario.Name} against {arguments.Target} — at most {arguments.Requests:N0} iterations "
    + $"in {arguments.Duration.TotalSeconds:N0} s, {arguments.Concurrency} at a time, {arguments.Buyers:N0} buyers, product {arguments.Product ?? "(first page)"}"
    + (arguments.Stock is { } stock ? $" set to {stock:N0} units" : ""));

using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops starting iterations and still reports; a second one ends the process.
    if (!interrupt.IsCancellationRequested)
    {
        e.Cancel = true;
        interrupt.Cancel();
    }
};

try
{
    await scenario.PrepareAsync(interrupt.Token);
}
catch (Exception exception) when (exception is ScenarioSetupException or NonLoopbackTargetException or OperationCanceledException)
{
    await Console.Error.WriteLineAsync($"loadtest: {scenario.Name} could not start: {exception.Message}");
    return 1;
}

Console.WriteLine($"  setup: {scenario.Setup.ToJsonString()}");
var loadBefore = LoadAverage.Read();
var run = new LoadRunner(time).RunAsync(scenario, stats, arguments.Requests, arguments.Duration, arguments.Concurrency, interrupt.Token);
await new LiveProgress(stats, time).ShowUntilAsync(run);
var outcome = await run;
var loadAfter = LoadAverage.Read();

Verdict verdict;
try
{
    verdict = await scenario.VerifyAsync(outcome.Elapsed, CancellationToken.None);
}
catch (ScenarioSetupException exception)
{
    verdict = new Verdict([new Check("target readable after the run", false, exception.Message)], [], []);
}

var report = new RunReport(arguments, scenario, stats, outcome, verdict);
SummaryTables.Print(report);
await report.WriteJsonAsync(arguments.OutputPath, loadBefore, loadAfter);
Console.WriteLine($"  results: {arguments.OutputPath}");
Console.WriteLine(report.SummaryLine());
return report.Passed ? 0 : 1;
