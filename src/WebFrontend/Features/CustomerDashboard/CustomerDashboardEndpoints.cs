using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebFrontend.Auth;
using WebFrontend.Features.CustomerDashboard.Sources;
using WebFrontend.Hosting;
using WebFrontend.Http;
using WebFrontend.OpenApi;

namespace WebFrontend.Features.CustomerDashboard;

/// <summary>The signed-in customer's dashboard (case C2): seven sources fetched at once, see <see cref="CustomerDashboardFanOut"/>.</summary>
public static class CustomerDashboardEndpoints
{
    /// <summary>The sources, their settings ("CustomerDashboard" section, checked at start) and the fan-out.</summary>
    public static IServiceCollection AddCustomerDashboard(this IServiceCollection services)
    {
        services.AddOptions<CustomerDashboardOptions>().BindConfiguration(CustomerDashboardOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CustomerDashboardOptions>, CustomerDashboardOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        AddSource<UserSource>(services);
        AddSource<PermissionsSource>(services);
        AddSource<OrderSummarySource>(services);
        AddSource<WalletSource>(services);
        AddSource<PaymentStatusSource>(services);
        AddSource<NotificationsSource>(services);
        AddSource<RecentActivitySource>(services);
        services.AddSingleton(provider => new CustomerDashboardFanOut(
            provider.GetServices<IDashboardSource>(),
            provider.GetRequiredService<IOptions<CustomerDashboardOptions>>(),
            provider.GetKeyedService<TimeProvider>(CustomerDashboardFanOut.ClockKey) ?? provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<FrontendMetrics>(),
            provider.GetRequiredService<ILogger<CustomerDashboardFanOut>>()));
        return services;
    }

    public static void MapCustomerDashboardEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/me/dashboard", GetAsync).WithTags("Customer dashboard")
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser())
            .Produces<DashboardResponse>().ProducesProblemTypes(ProblemTypes.DashboardUnavailable)
            .WithName("getMyDashboard").WithSummary("Get the signed-in customer's dashboard")
            .WithDescription("The caller's profile, permissions, order summary (counts by status, five newest orders), wallet balance, "
                + "their newest order's payment status, unread notifications and recent activity, fetched at once, each source under "
                + "its own timeout (`CustomerDashboard:Timeout`, `CustomerDashboard:Timeouts:<source>`). A source other than `user` and `permissions` "
                + "that fails or times out shows its default (`null`, zeros, an empty list) and is named in `degraded`; `user` or "
                + "`permissions` failing is 503 `dashboard-unavailable` naming it in `source`.");
    }

    /// <summary>Sources are registered as themselves too, so a test can wrap the real one it replaces.</summary>
    private static void AddSource<TSource>(IServiceCollection services) where TSource : class, IDashboardSource
    {
        services.TryAddSingleton<TSource>();
        services.AddSingleton<IDashboardSource>(provider => provider.GetRequiredService<TSource>());
    }

    private static async Task<IResult> GetAsync(HttpContext context, ClaimsPrincipal user, CustomerDashboardFanOut fanOut)
    {
        var caller = new DashboardCaller(user.UserId(), user.DisplayName(), user);
        var outcome = await fanOut.FetchAsync(caller, context.RequestAborted);
        if (outcome.FailedCriticalSource is { } source)
        {
            return Problem.Of(context, StatusCodes.Status503ServiceUnavailable, ProblemTypes.DashboardUnavailable, "Dashboard unavailable.",
                $"The dashboard's {source} source did not answer; try again shortly.", new Dictionary<string, object?> { ["source"] = source });
        }

        var values = outcome.Values;
        var response = new DashboardResponse(
            (DashboardUser)values[DashboardSources.User]!,
            (IReadOnlyList<string>)values[DashboardSources.Permissions]!,
            (DashboardOrderSummary)values[DashboardSources.OrderSummary]!,
            (DashboardWallet?)values[DashboardSources.Wallet],
            (DashboardPaymentStatus?)values[DashboardSources.PaymentStatus],
            (DashboardNotifications)values[DashboardSources.Notifications]!,
            (IReadOnlyList<DashboardActivity>)values[DashboardSources.RecentActivity]!,
            outcome.Degraded);
        return TypedResults.Json(response, ApiJson.Context.DashboardResponse);
    }
}
