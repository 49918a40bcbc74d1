using System.Text.Json.Serialization;

namespace IntegrationEvents;

/// <summary>The payloads' JSON (snake_case, source generated): what <see cref="IntegrationEvent.Payload"/> holds.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OrderPaidPayload))]
[JsonSerializable(typeof(OrderEndedPayload))]
[JsonSerializable(typeof(RefundRequiredPayload))]
public sealed partial class EventJson : JsonSerializerContext;
