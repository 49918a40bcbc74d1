using Microsoft.Playwright;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>
/// One headless Chromium for a test class, driven by Microsoft.Playwright: the machine's own (Debian's chromium
/// package, which ./test.sh installs), never a browser Playwright downloads. Without it the tests fail, not skip.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    // As root there is no sandbox to be had; the rest keeps Chromium from dialling out on a machine with no network
    // (its connections would only be refused) and from doing work no test needs.
    private static readonly string[] s_args =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ];

    private readonly IPlaywright _playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is not installed at {ExecutablePath}: the browser tests need it. ./test.sh installs it; by hand: apt-get install chromium.");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = s_args,
                Timeout = 60_000,
            });
            return new Chromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A fresh browser context: a user of their own, no cookies, against <paramref name="baseUrl"/>.</summary>
    public Task<IBrowserContext> NewContextAsync(Uri baseUrl)
        => Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl.AbsoluteUri });

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
