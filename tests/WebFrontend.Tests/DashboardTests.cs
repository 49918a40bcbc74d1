using System.Text.RegularExpressions;
using Commerce.Testing;
using Microsoft.Playwright;
using WebFrontend.Dashboard;
using WebFrontend.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace WebFrontend.Tests;

/// <summary>
/// The Orleans Dashboard at /dashboard, in a real browser (headless Chromium): anonymous visitors are sent to the
/// sign-in page, a customer's token is refused without a session, and an admin's token opens the dashboard, which
/// shows the live silo. Each test is a user of its own (a fresh browser context) in the class's one browser.
/// </summary>
public sealed class DashboardTests(DashboardCluster cluster) : IClassFixture<DashboardCluster>
{
    private const string SignInButton = "Sign in";

    private Uri Address => cluster.FrontEnd.Address;

    [Fact]
    public async Task An_anonymous_browser_opening_the_dashboard_lands_on_the_sign_in_form()
    {
        await using var context = await cluster.Chromium.NewContextAsync(Address);
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("/dashboard/");

        Assert.Equal(200, response!.Status);
        await Expect(page).ToHaveURLAsync(new Uri(Address, "/dashboard/sign-in?ReturnUrl=%2Fdashboard%2F").AbsoluteUri);
        await Expect(page).ToHaveTitleAsync("Sign in to the cluster dashboard");
        var form = page.Locator("form[method='post'][action='/dashboard/sign-in']");
        await Expect(form.GetByLabel("Bearer token")).ToBeEditableAsync();
        await Expect(form.GetByRole(AriaRole.Button, new() { Name = SignInButton })).ToBeEnabledAsync();
        await Expect(form.Locator("input[type='hidden'][name='__RequestVerificationToken']")).ToHaveAttributeAsync("value", new Regex(".+"));
        await Expect(page.Locator("#content")).ToHaveCountAsync(0);
        Assert.DoesNotContain(await context.CookiesAsync([Address.AbsoluteUri]), c => c.Name == DashboardAccess.CookieName);
    }

    [Fact]
    public async Task A_customer_signing_in_is_refused_with_403_and_gets_no_dashboard_session()
    {
        await using var context = await cluster.Chromium.NewContextAsync(Address);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard/");

        var signIn = await SignInAsync(page, Tokens.Customer(Seed.UniqueId("dashboard-customer")));

        Assert.Equal(403, signIn.Status);
        await Expect(page).ToHaveURLAsync(new Uri(Address, "/dashboard/sign-in").AbsoluteUri);
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The dashboard is for admins only.");
        await Expect(page.GetByLabel("Bearer token")).ToBeEditableAsync();
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == DashboardAccess.CookieName);

        // Nothing was signed in: the dashboard still sends this browser to the sign-in page.
        await page.GotoAsync("/dashboard/");
        await Expect(page).ToHaveURLAsync(new Uri(Address, "/dashboard/sign-in?ReturnUrl=%2Fdashboard%2F").AbsoluteUri);
        await Expect(page.Locator("#content")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_admin_signing_in_sees_the_dashboard_show_the_live_silo_behind_an_HttpOnly_SameSite_Strict_cookie()
    {
        await using var context = await cluster.Chromium.NewContextAsync(Address);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard/");

        var signIn = await SignInAsync(page, Seed.Admin);

        Assert.Equal(302, signIn.Status);
        await Expect(page).ToHaveURLAsync(new Uri(Address, "/dashboard/").AbsoluteUri);

        // The dashboard's overview counts the cluster's silos: the one running.
        var activeSilos = page.Locator(".info-box", new() { HasText = "Active Silos" });
        await Expect(activeSilos.Locator(".info-box-number")).ToHaveTextAsync("1");

        // Its silo list shows that silo by address and name, as active.
        await page.GetByRole(AriaRole.Link, new() { Name = "Silos", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Uri(Address, "/dashboard/#/silos").AbsoluteUri);
        var health = page.Locator(".card", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Silo Health" }) }).Locator("tbody tr");
        await Expect(health).ToHaveCountAsync(1);
        await Expect(health.GetByRole(AriaRole.Cell).Nth(0)).ToHaveTextAsync(cluster.Silo.Address.ToParsableString());
        await Expect(health.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("Active");
        await Expect(health.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync(cluster.Silo.Name);

        var cookie = Assert.Single(await context.CookiesAsync(), c => c.Name == DashboardAccess.CookieName);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal(DashboardAccess.Path, cookie.Path);
        Assert.DoesNotContain(DashboardAccess.CookieName, await page.EvaluateAsync<string>("document.cookie"), StringComparison.Ordinal);
    }

    /// <summary>Pastes <paramref name="token"/> into the sign-in form and submits it: the form post's own response.</summary>
    private static async Task<IResponse> SignInAsync(IPage page, string token)
    {
        await page.GetByLabel("Bearer token").FillAsync(token);
        return await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = SignInButton }).ClickAsync(),
            response => response.Request.Method == "POST" && new Uri(response.Url).AbsolutePath == DashboardAccess.SignInPath);
    }
}

/// <summary>
/// A small cluster for the dashboard's browser tests: one production-shaped silo (with the dashboard's silo side) on a
/// fresh database, one front end on a real socket, and one headless Chromium.
/// </summary>
public sealed class DashboardCluster : IAsyncLifetime
{
    public Chromium Chromium { get; private set; } = null!;

    public InProcessSilo Silo { get; private set; } = null!;

    public FrontEnd FrontEnd { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The browser first: without one, fail at once rather than after starting a cluster.
        Chromium = await Chromium.LaunchAsync();
        Assertions.SetDefaultExpectTimeout(30_000);
        var connectionString = await SharedPostgres.CreateDatabaseAsync();
        Silo = await InProcessSilo.StartAsync(connectionString, "dashboard-silo", TestPayments.Settings(new Uri("http://127.0.0.1:9/")));
        FrontEnd = FrontEnd.Listening(connectionString);
        await FrontEnd.ConnectedAsync();
    }

    public async Task DisposeAsync()
    {
        if (FrontEnd is not null)
        {
            await FrontEnd.DisposeAsync();
        }

        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }
    }
}
