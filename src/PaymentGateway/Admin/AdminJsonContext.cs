using System.Text.Json.Serialization;
using PaymentGateway.Ipn;

namespace PaymentGateway.Admin;

/// <summary>
/// The admin API's JSON, by generated code: snake_case, and unknown fields refused so a misspelt fault setting is a
/// 400 rather than silently no fault.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(SetMerchantRequest))]
[JsonSerializable(typeof(MerchantView))]
[JsonSerializable(typeof(IpnFaultsRequest))]
[JsonSerializable(typeof(IpnFaultsView))]
[JsonSerializable(typeof(StatusFaultsRequest))]
[JsonSerializable(typeof(StatusFaultsView))]
[JsonSerializable(typeof(FaultsView))]
[JsonSerializable(typeof(CompleteRequest))]
[JsonSerializable(typeof(TransactionView))]
[JsonSerializable(typeof(IReadOnlyList<IpnAttempt>))]
[JsonSerializable(typeof(StatsView))]
public sealed partial class AdminJsonContext : JsonSerializerContext;
