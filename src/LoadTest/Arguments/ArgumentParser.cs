using System.Globalization;
using System.Text;

namespace LoadTest.Arguments;

/// <summary>The outcome of reading the command line: settings to run with, or every reason not to, or a request for help.</summary>
public sealed record ParseResult(LoadTestArguments? Arguments, IReadOnlyList<string> Errors, bool HelpRequested)
{
    public bool Succeeded => Arguments is not null;
}

/// <summary>
/// Reads and validates the command line. Every option is checked before anything is sent, and all problems are
/// reported at once, each naming its option. Limits keep a run bounded in count, time and connections whatever is asked.
/// </summary>
public static class ArgumentParser
{
    public const string SigningKeyVariable = "LOADTEST_SIGNING_KEY";

    public const long MaxRequests = 10_000_000;
    public const int MaxDurationSeconds = 3_600;
    public const int MaxConcurrency = 1_024;
    public const int MaxBuyers = 1_000_000;

    // As the front ends check theirs (Auth:SigningKey) and their product endpoints bound stock.
    public const int MinimumSigningKeyBytes = 32;
    public const int MaxStock = 10_000_000;

    private static readonly HashSet<string> s_flags = ["--smoke", "--help", "-h"];

    private static readonly HashSet<string> s_valued =
    [
        "--target", "--scenario", "--requests", "--duration", "--concurrency", "--buyers", "--product", "--stock",
        "--signing-key", "--issuer", "--audience", "--out", "--buyer-limit",
    ];

    public static ParseResult Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var errors = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            if (s_flags.Contains(option))
            {
                if (!flags.Add(option))
                {
                    errors.Add($"{option} is given twice.");
                }
            }
            else if (s_valued.Contains(option))
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    errors.Add($"{option} needs a value.");
                }
                else if (!values.TryAdd(option, args[++i]))
                {
                    errors.Add($"{option} is given twice.");
                }
            }
            else
            {
                errors.Add($"Unknown argument '{option}' (--help lists the options).");
            }
        }

        if (flags.Contains("--help") || flags.Contains("-h"))
        {
            return new ParseResult(null, [], HelpRequested: true);
        }

        var smoke = flags.Contains("--smoke");
        var target = Target(values.GetValueOrDefault("--target", "http://127.0.0.1:8080"), errors);
        ScenarioName? scenario = null;
        if (!values.TryGetValue("--scenario", out var scenarioText))
        {
            errors.Add("--scenario is required: flash-sale, browse or checkout.");
        }
        else if ((scenario = ScenarioNames.Parse(scenarioText)) is null)
        {
            errors.Add($"--scenario must be flash-sale, browse or checkout, not '{scenarioText}'.");
        }

        var requests = Whole(values, "--requests", 1, MaxRequests, smoke ? 60 : 10_000, errors);
        var seconds = Whole(values, "--duration", 1, MaxDurationSeconds, smoke ? 30 : 60, errors);
        var concurrency = (int)Whole(values, "--concurrency", 1, MaxConcurrency, smoke ? 4 : 64, errors);
        var buyers = (int)Whole(values, "--buyers", 1, MaxBuyers, smoke ? 12 : 1_000, errors);
        int? buyerLimit = values.ContainsKey("--buyer-limit") ? (int)Whole(values, "--buyer-limit", 1, MaxStock, 1, errors) : null;
        int? stock = values.ContainsKey("--stock") ? (int)Whole(values, "--stock", 0, MaxStock, 0, errors) : null;

        var product = values.GetValueOrDefault("--product");
        if (product is not null && !IsIdentifier(product))
        {
            errors.Add($"--product must be a product id: 1 to 64 letters, digits, '-' or '_', not '{product}'.");
        }

        var signingKey = values.GetValueOrDefault("--signing-key") ?? environment(SigningKeyVariable);
        var issuer = values.GetValueOrDefault("--issuer", "commerce");
        var audience = values.GetValueOrDefault("--audience", "commerce-api");
        if (signingKey is not null && Encoding.UTF8.GetByteCount(signingKey) < MinimumSigningKeyBytes)
        {
            errors.Add($"--signing-key must be at least {MinimumSigningKeyBytes} bytes, as the front ends' Auth:SigningKey is.");
        }

        if (issuer.Length == 0 || audience.Length == 0)
        {
            errors.Add("--issuer and --audience must not be empty.");
        }

        if (scenario is ScenarioName.FlashSale or ScenarioName.Checkout && signingKey is null)
        {
            errors.Add($"{scenario.Value.CommandName()} signs a token for each buyer: give the front ends' key with --signing-key or {SigningKeyVariable} "
                + "(./run.sh: the development key in src/WebFrontend/appsettings.Development.json).");
        }

        if (scenario is ScenarioName.Browse && stock is not null)
        {
            errors.Add("--stock is for flash-sale and checkout: browse changes nothing.");
        }

        if (scenario is not ScenarioName.FlashSale && buyerLimit is not null)
        {
            errors.Add("--buyer-limit is checked by flash-sale only.");
        }

        if (errors.Count > 0 || scenario is not { } name || target is null)
        {
            return new ParseResult(null, errors, HelpRequested: false);
        }

        // A smoke run works on a product of its own (created, with a small stock) so it can check exact outcomes.
        product ??= name switch
        {
            ScenarioName.FlashSale => smoke ? "loadtest-smoke-flash-sale" : "flash-sale-1",
            ScenarioName.Checkout => smoke ? "loadtest-smoke-checkout" : "sku-charger-65w",
            _ => null,
        };
        if (smoke)
        {
            stock ??= name switch
            {
                ScenarioName.FlashSale => Math.Max(1, buyers / 2),
                ScenarioName.Checkout => (int)Math.Min(requests, MaxStock),
                _ => null,
            };
        }

        var output = values.GetValueOrDefault("--out", $"loadtest-{name.CommandName()}.json");
        return new ParseResult(
            new LoadTestArguments(target, name, requests, TimeSpan.FromSeconds(seconds), concurrency, buyers, product, stock, signingKey, issuer, audience,
                Path.GetFullPath(output), buyerLimit, smoke),
            [],
            HelpRequested: false);
    }

    private static Uri? Target(string text, List<string> errors)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"--target must be an http:// or https:// URL such as http://127.0.0.1:8080, not '{text}'.");
            return null;
        }

        if (!LoopbackTarget.IsLoopback(uri))
        {
            errors.Add($"--target must be on this machine (localhost, 127.0.0.0/8 or [::1]): a load test sends no traffic elsewhere; '{uri.Host}' is refused.");
            return null;
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            errors.Add($"--target is the front end's origin (scheme, host, port) without a path, query or user: '{text}'.");
            return null;
        }

        return uri;
    }

    private static long Whole(Dictionary<string, string> values, string option, long min, long max, long fallback, List<string> errors)
    {
        if (!values.TryGetValue(option, out var text))
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            errors.Add($"{option} must be a whole number from {min.ToString("N0", CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)}, not '{text}'.");
            return fallback;
        }

        return value;
    }

    private static bool IsIdentifier(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static string Usage { get; } = """
        Usage: dotnet run --project src/LoadTest -c Release -- --scenario flash-sale|browse|checkout [options]

          --target URL        the front end, on this machine only (default http://127.0.0.1:8080)
          --scenario NAME     flash-sale: buyers with their own tokens race for one product's stock
                              browse:     hot reads of product details and the catalogue's first page
                              checkout:   order, pay on the gateway simulator, wait until PAID
          --requests N        start at most N purchase attempts / reads / checkouts (default 10,000)
          --duration S        start nothing after S seconds (default 60, at most 3,600)
          --concurrency C     C requests in flight, one connection each (default 64, at most 1,024)
          --buyers N          distinct buyers, each with a signed token (default 1,000)
          --product ID        the product (default flash-sale-1, checkout sku-charger-65w, browse the first page)
          --stock N           create the product, or reset its available stock, to N before the run (as a manager)
          --buyer-limit N     flash-sale: fail if any buyer got more than N orders
          --signing-key KEY   the front ends' Auth:SigningKey, to sign tokens (or LOADTEST_SIGNING_KEY)
          --issuer, --audience  what the tokens carry (default commerce, commerce-api)
          --out PATH          the results JSON (default loadtest-<scenario>.json)
          --smoke             seconds and tiny counts on a product of its own; exits 1 on any failed check

        Exit code 0: every check passed and no unexpected answer; 1: a check failed or the run could not start;
        2: bad arguments.
        """;
}
