using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using WebFrontend.Auth;
using WebFrontend.Features.CustomerDashboard;
using WebFrontend.Features.Exports;
using WebFrontend.Features.Operations;
using WebFrontend.Features.Orders;
using WebFrontend.Features.Payments;
using WebFrontend.Features.Products;
using WebFrontend.Features.Uploads;
using WebFrontend.Features.Wallets;

namespace WebFrontend.Http;

/// <summary>
/// Every body the API reads or writes, serialized by generated code: snake_case names, and unknown fields refused
/// (a misspelt field is an error, not silently ignored), and so are fields given twice, which a proxy, a log or an
/// audit could read as the first value while the API would take the last.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(CreateProductRequest))]
[JsonSerializable(typeof(UpdateProductRequest))]
[JsonSerializable(typeof(StockAdjustmentRequest))]
[JsonSerializable(typeof(SetSaleRequest))]
[JsonSerializable(typeof(ProductResponse))]
[JsonSerializable(typeof(ListResponse<ProductListItem>))]
[JsonSerializable(typeof(StockResponse))]
[JsonSerializable(typeof(ProductCursor))]
[JsonSerializable(typeof(CreateOrderRequest))]
[JsonSerializable(typeof(OrderResponse))]
[JsonSerializable(typeof(PaymentReturnResponse))]
[JsonSerializable(typeof(ListResponse<OrderListItem>))]
[JsonSerializable(typeof(OrderCursor))]
[JsonSerializable(typeof(WalletMovementRequest))]
[JsonSerializable(typeof(WalletResponse))]
[JsonSerializable(typeof(BalanceResponse))]
[JsonSerializable(typeof(ListResponse<WalletEntryItem>))]
[JsonSerializable(typeof(WalletEntryCursor))]
[JsonSerializable(typeof(CreateUploadRequest))]
[JsonSerializable(typeof(UploadCreatedResponse))]
[JsonSerializable(typeof(UploadResponse))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ClusterResponse))]
[JsonSerializable(typeof(DashboardResponse))]
[JsonSerializable(typeof(OrderExportRequest))]
[JsonSerializable(typeof(ExportJobResponse))]
[JsonSerializable(typeof(IDictionary<string, string[]>))]
[JsonSerializable(typeof(string[]))]
public sealed partial class ApiJsonContext : JsonSerializerContext;

/// <summary>
/// The API's serializer: the generated context with relaxed escaping, so names such as "Phở" or 14" go out as
/// written rather than as \u escapes (responses are JSON, never embedded in HTML).
/// </summary>
public static class ApiJson
{
    public static ApiJsonContext Context { get; } = new(new JsonSerializerOptions(ApiJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
