namespace WebFrontend.Http;

/// <summary>
/// The stable <c>type</c> URIs of every problem the API answers (RFC 9457). Clients switch on these, never on titles
/// or details; docs/api.md lists each with its status.
/// </summary>
public static class ProblemTypes
{
    public const string Prefix = "https://errors.example/";

    private const string Base = Prefix;

    public const string ValidationFailed = Base + "validation-failed";
    public const string MalformedBody = Base + "malformed-body";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string NotFound = Base + "not-found";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string InvalidCredentials = Base + "invalid-credentials";
    public const string ProductExists = Base + "product-exists";
    public const string ProductNotFound = Base + "product-not-found";
    public const string OutOfStock = Base + "out-of-stock";
    public const string InsufficientStock = Base + "insufficient-stock";
    public const string CouponInvalid = Base + "coupon-invalid";
    public const string InvalidState = Base + "invalid-state";
    public const string InsufficientFunds = Base + "insufficient-funds";
    public const string ReferenceConflict = Base + "reference-conflict";
    public const string PreconditionRequired = Base + "precondition-required";
    public const string PreconditionFailed = Base + "precondition-failed";
    public const string IdempotencyKeyMissing = Base + "idempotency-key-missing";
    public const string IdempotencyKeyInvalid = Base + "idempotency-key-invalid";
    public const string IdempotencyKeyReused = Base + "idempotency-key-reused";
    public const string IdempotencyKeyInFlight = Base + "idempotency-key-in-flight";
    public const string ServiceUnavailable = Base + "service-unavailable";
    public const string InternalError = Base + "internal-error";

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
        503 => ServiceUnavailable,
        _ => InternalError,
    };
}
