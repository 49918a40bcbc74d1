using System.Collections.Frozen;
using WebFrontend.Http;

namespace WebFrontend.OpenApi;

/// <summary>The status each problem type is answered with (docs/api.md "Problem types"), to file a declared type under its response.</summary>
public static class ProblemStatuses
{
    private static readonly FrozenDictionary<string, int> s_statusByType = new Dictionary<string, int>
    {
        [ProblemTypes.ValidationFailed] = 400,
        [ProblemTypes.MalformedBody] = 400,
        [ProblemTypes.IdempotencyKeyMissing] = 400,
        [ProblemTypes.IdempotencyKeyInvalid] = 400,
        [ProblemTypes.InvalidSignature] = 400,
        [ProblemTypes.Unauthorized] = 401,
        [ProblemTypes.InvalidCredentials] = 401,
        [ProblemTypes.Forbidden] = 403,
        [ProblemTypes.InvalidLink] = 403,
        [ProblemTypes.NotFound] = 404,
        [ProblemTypes.ProductNotFound] = 404,
        [ProblemTypes.MethodNotAllowed] = 405,
        [ProblemTypes.ProductExists] = 409,
        [ProblemTypes.OutOfStock] = 409,
        [ProblemTypes.InsufficientStock] = 409,
        [ProblemTypes.SaleNotStarted] = 409,
        [ProblemTypes.SaleEnded] = 409,
        [ProblemTypes.PurchaseLimitReached] = 409,
        [ProblemTypes.InvalidState] = 409,
        [ProblemTypes.InsufficientFunds] = 409,
        [ProblemTypes.ReferenceConflict] = 409,
        [ProblemTypes.BalanceLimit] = 409,
        [ProblemTypes.IdempotencyKeyInFlight] = 409,
        [ProblemTypes.PreconditionFailed] = 412,
        [ProblemTypes.PayloadTooLarge] = 413,
        [ProblemTypes.UnsupportedMediaType] = 415,
        [ProblemTypes.IdempotencyKeyReused] = 422,
        [ProblemTypes.CouponInvalid] = 422,
        [ProblemTypes.PreconditionRequired] = 428,
        [ProblemTypes.RateLimited] = 429,
        [ProblemTypes.InternalError] = 500,
        [ProblemTypes.ServiceUnavailable] = 503,
        [ProblemTypes.GatewayUnavailable] = 503,
        [ProblemTypes.Overloaded] = 503,
        [ProblemTypes.DashboardUnavailable] = 503,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static int Of(string type)
        => s_statusByType.TryGetValue(type, out var status)
            ? status
            : throw new InvalidOperationException($"Problem type {type} has no status in {nameof(ProblemStatuses)}: add it there and to docs/api.md.");
}
