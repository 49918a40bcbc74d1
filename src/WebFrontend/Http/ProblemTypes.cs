namespace WebFrontend.Http;

/// <summary>
/// The stable <c>type</c> URIs of every problem the API answers (RFC 9457). Clients switch on these, never on titles
/// or details; docs/api.md lists each with its status.
/// </summary>
public static class ProblemTypes
{
    public const string Prefix = "https://errors.example/";

    public const string ValidationFailed = Prefix + "validation-failed";
    public const string MalformedBody = Prefix + "malformed-body";
    public const string PayloadTooLarge = Prefix + "payload-too-large";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string Unauthorized = Prefix + "unauthorized";
    public const string Forbidden = Prefix + "forbidden";
    public const string NotFound = Prefix + "not-found";
    public const string MethodNotAllowed = Prefix + "method-not-allowed";
    public const string InvalidCredentials = Prefix + "invalid-credentials";
    public const string ProductExists = Prefix + "product-exists";
    public const string ProductNotFound = Prefix + "product-not-found";
    public const string OutOfStock = Prefix + "out-of-stock";
    public const string InsufficientStock = Prefix + "insufficient-stock";
    public const string SaleNotStarted = Prefix + "sale-not-started";
    public const string SaleEnded = Prefix + "sale-ended";
    public const string PurchaseLimitReached = Prefix + "purchase-limit-reached";
    public const string CouponInvalid = Prefix + "coupon-invalid";
    public const string InvalidState = Prefix + "invalid-state";
    public const string InsufficientFunds = Prefix + "insufficient-funds";
    public const string ReferenceConflict = Prefix + "reference-conflict";
    public const string BalanceLimit = Prefix + "balance-limit";
    public const string PreconditionRequired = Prefix + "precondition-required";
    public const string RateLimited = Prefix + "rate-limited";
    public const string PreconditionFailed = Prefix + "precondition-failed";
    public const string IdempotencyKeyMissing = Prefix + "idempotency-key-missing";
    public const string IdempotencyKeyInvalid = Prefix + "idempotency-key-invalid";
    public const string IdempotencyKeyReused = Prefix + "idempotency-key-reused";
    public const string IdempotencyKeyInFlight = Prefix + "idempotency-key-in-flight";
    public const string GatewayUnavailable = Prefix + "gateway-unavailable";
    public const string InvalidSignature = Prefix + "invalid-signature";
    public const string InvalidLink = Prefix + "invalid-link";
    public const string ServiceUnavailable = Prefix + "service-unavailable";
    public const string Overloaded = Prefix + "overloaded";
    public const string DashboardUnavailable = Prefix + "dashboard-unavailable";
    public const string InternalError = Prefix + "internal-error";

    /// <summary>The type for a status the framework produced by itself (routing, unexpected exceptions).</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => MalformedBody,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => RateLimited,
        503 => ServiceUnavailable,
        _ => InternalError,
    };
}
