using System.Net;
using Grains.Coupons;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>Test data made through the API itself, as a manager or admin would.</summary>
public static class Seed
{
    public static string Admin { get; } = Tokens.For("admin", "admin");

    public static string Manager { get; } = Tokens.For("manager", "manager");

    public static string Staff { get; } = Tokens.For("staff", "staff");

    public static string UniqueId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 64)];

    public static async Task<string> ProductAsync(FrontEnd frontEnd, int stock, long price = 100_000, string? id = null, string? name = null)
    {
        id ??= UniqueId("p");
        using var client = frontEnd.ClientFor(Manager);
        var reply = await client.PostJsonAsync("/api/v1/products", Json.Of(new { id, name = name ?? $"Product {id}", price, stock }));
        Assert.True(reply.Status == HttpStatusCode.Created, reply.ToString());
        return id;
    }

    public static async Task CreditAsync(FrontEnd frontEnd, string userId, long amount)
    {
        using var client = frontEnd.ClientFor(Admin);
        var reply = await client.PostJsonAsync($"/api/v1/wallets/{userId}/credits", Json.Of(new { amount, reference = UniqueId("credit") }), Api.NewKey());
        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
    }

    /// <summary>Coupons have no API yet (operators define them); tests define them on the grain.</summary>
    public static async Task<string> CouponAsync(ApiCluster api, int usageLimit, int percentOff = 10)
    {
        var code = UniqueId("c");
        await api.Grains.GetGrain<ICouponGrain>(code).Define(new CouponDefinition(percentOff, 0, usageLimit, DateTimeOffset.UtcNow.AddDays(1)));
        return code;
    }

    /// <summary>Uses held or committed, as the coupon's grain counts them.</summary>
    public static async Task<int> CouponUsesAsync(ApiCluster api, string code)
        => (await api.Grains.GetGrain<ICouponGrain>(code).Get())!.Used;

    public static string OrderBody(string productId, int quantity = 1, string? coupon = null)
        => coupon is null
            ? Json.Of(new { items = new[] { new { product_id = productId, quantity } } })
            : Json.Of(new { items = new[] { new { product_id = productId, quantity } }, coupon_code = coupon });
}
