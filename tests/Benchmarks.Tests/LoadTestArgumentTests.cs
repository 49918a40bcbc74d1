using LoadTest.Arguments;

namespace Benchmarks.Tests;

/// <summary>
/// The load generator's command line: a target off this machine is refused whatever else is asked, every bad option
/// is named, and a run is always bounded.
/// </summary>
public sealed class LoadTestArgumentTests
{
    private const string Key = "load-test-argument-signing-key-0123456789";

    [Theory]
    [InlineData("http://10.0.0.5:8080")]
    [InlineData("http://192.168.1.20")]
    [InlineData("http://172.16.0.1:8080")]
    [InlineData("https://93.184.216.34")]
    [InlineData("http://example.com:8080")]
    [InlineData("http://localhost.example.com")]
    [InlineData("http://[2001:db8::1]:8080")]
    [InlineData("http://0.0.0.0:8080")]
    public void A_target_off_this_machine_is_refused(string target)
    {
        var result = Parse("--target", target, "--scenario", "browse");

        Assert.Null(result.Arguments);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("--target must be on this machine (localhost, 127.0.0.0/8 or [::1])", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://127.3.2.1:9000/", "http://127.3.2.1:9000/")]
    [InlineData("http://localhost:8080", "http://localhost:8080/")]
    [InlineData("https://LOCALHOST", "https://localhost/")]
    [InlineData("http://[::1]:8080", "http://[::1]:8080/")]
    public void A_loopback_target_is_taken(string target, string expected)
    {
        var result = Parse("--target", target, "--scenario", "browse");

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.Arguments!.Target.ToString());
    }

    [Fact]
    public void The_defaults_are_bounded_and_aim_at_the_local_front_end()
    {
        var arguments = Parse("--scenario", "flash-sale", "--signing-key", Key).Arguments!;

        Assert.Equal(
            ("http://127.0.0.1:8080/", 10_000L, TimeSpan.FromSeconds(60), 64, 1_000, "flash-sale-1", (int?)null, "commerce", "commerce-api"),
            (arguments.Target.ToString(), arguments.Requests, arguments.Duration, arguments.Concurrency, arguments.Buyers, arguments.Product, arguments.Stock,
                arguments.Issuer, arguments.Audience));
        Assert.Equal(Path.GetFullPath("loadtest-flash-sale.json"), arguments.OutputPath);
    }

    [Fact]
    public void A_smoke_run_uses_tiny_counts_and_a_product_of_its_own()
    {
        var flashSale = Parse("--scenario", "flash-sale", "--smoke", "--signing-key", Key).Arguments!;
        var checkout = Parse("--scenario", "checkout", "--smoke", "--signing-key", Key).Arguments!;

        Assert.Equal((60L, 4, 12, "loadtest-smoke-flash-sale", (int?)6), (flashSale.Requests, flashSale.Concurrency, flashSale.Buyers, flashSale.Product, flashSale.Stock));
        Assert.Equal(("loadtest-smoke-checkout", (int?)60), (checkout.Product, checkout.Stock));
    }

    [Fact]
    public void Every_bad_option_is_named_at_once()
    {
        var result = Parse("--scenario", "stampede", "--requests", "0", "--duration", "3601", "--concurrency", "x", "--buyers", "-3", "--product", "no spaces",
            "--stock", "10000001", "--verbose", "--out");

        Assert.Null(result.Arguments);
        Assert.Equal(
            [
                "Unknown argument '--verbose' (--help lists the options).",
                "--out needs a value.",
                "--scenario must be flash-sale, browse or checkout, not 'stampede'.",
                "--requests must be a whole number from 1 to 10,000,000, not '0'.",
                "--duration must be a whole number from 1 to 3,600, not '3601'.",
                "--concurrency must be a whole number from 1 to 1,024, not 'x'.",
                "--buyers must be a whole number from 1 to 1,000,000, not '-3'.",
                "--stock must be a whole number from 0 to 10,000,000, not '10000001'.",
                "--product must be a product id: 1 to 64 letters, digits, '-' or '_', not 'no spaces'.",
            ],
            result.Errors);
    }

    [Theory]
    [InlineData("flash-sale")]
    [InlineData("checkout")]
    public void Buying_scenarios_need_the_signing_key(string scenario)
    {
        var result = Parse("--scenario", scenario);

        Assert.Equal($"{scenario} signs a token for each buyer: give the front ends' key with --signing-key or LOADTEST_SIGNING_KEY "
            + "(./run.sh: the development key in src/WebFrontend/appsettings.Development.json).", Assert.Single(result.Errors));
    }

    [Fact]
    public void The_signing_key_may_come_from_the_environment_and_must_be_as_long_as_the_front_ends()
    {
        var fromEnvironment = ArgumentParser.Parse(["--scenario", "checkout"], name => name == ArgumentParser.SigningKeyVariable ? Key : null);
        var tooShort = Parse("--scenario", "checkout", "--signing-key", "short");

        Assert.Equal(Key, fromEnvironment.Arguments!.SigningKey);
        Assert.Equal("--signing-key must be at least 32 bytes, as the front ends' Auth:SigningKey is.", Assert.Single(tooShort.Errors));
    }

    [Theory]
    [InlineData("--scenario browse --stock 5", "--stock is for flash-sale and checkout: browse changes nothing.")]
    [InlineData("--scenario browse --buyer-limit 1", "--buyer-limit is checked by flash-sale only.")]
    [InlineData("--scenario browse --scenario browse", "--scenario is given twice.")]
    [InlineData("--scenario browse --target http://127.0.0.1:8080/api",
        "--target is the front end's origin (scheme, host, port) without a path, query or user: 'http://127.0.0.1:8080/api'.")]
    [InlineData("--scenario browse --target ftp://127.0.0.1", "--target must be an http:// or https:// URL such as http://127.0.0.1:8080, not 'ftp://127.0.0.1'.")]
    [InlineData("--target http://127.0.0.1:8080", "--scenario is required: flash-sale, browse or checkout.")]
    public void Options_that_do_not_fit_are_refused(string commandLine, string error)
    {
        var result = Parse(commandLine.Split(' '));

        Assert.Null(result.Arguments);
        Assert.Equal(error, Assert.Single(result.Errors));
    }

    [Fact]
    public void Help_is_not_an_error()
    {
        var result = Parse("--help", "--target", "http://10.0.0.5");

        Assert.True(result.HelpRequested);
        Assert.Empty(result.Errors);
    }

    private static ParseResult Parse(params string[] args) => ArgumentParser.Parse(args, _ => null);
}
