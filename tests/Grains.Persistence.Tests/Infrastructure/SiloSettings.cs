namespace Grains.Persistence.Tests.Infrastructure;

/// <summary>The configuration a silo needs to start: AddCommerce validates the merchant's VNPay settings at start.</summary>
internal static class SiloSettings
{
    public static IReadOnlyDictionary<string, string?> Minimal { get; } = new Dictionary<string, string?>
    {
        ["VnPay:TmnCode"] = "PERSISTTEST",
        ["VnPay:HashSecret"] = "persistence-tests-secret",
    };
}
