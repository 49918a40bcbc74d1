using System.Security.Claims;
using Grains.Persistence.Queries;
using Grains.Wallets;
using WebFrontend.Auth;
using WebFrontend.Http;
using WebFrontend.OpenApi;
using WebFrontend.Idempotency;

namespace WebFrontend.Features.Wallets;

/// <summary>
/// Wallets (case C20): a reference moves money once per wallet; the balance never goes below zero. The history is read
/// from the stored movements, page by page, not from the wallet's grain (which holds only its recent references).
/// </summary>
public static class WalletEndpoints
{
    private const long MaxAmount = 1_000_000_000_000_000;

    public static void MapWalletEndpoints(this RouteGroupBuilder api)
    {
        var wallets = api.MapGroup("/wallets").WithTags("Wallets");
        wallets.MapGet("/{userId}", GetAsync).RequirePermission(Permissions.WalletRead, Permissions.WalletReadOwn)
            .Produces<WalletResponse>().ProducesProblemTypes(ProblemTypes.NotFound)
            .WithName("getWallet").WithSummary("Get a wallet")
            .WithDescription("The balance in whole đồng; `ETag` is its version. A customer sees their own wallet only: another's is a 404, "
                + "like a missing one.");
        wallets.MapGet("/{userId}/entries", ListEntriesAsync).RequirePermission(Permissions.WalletRead, Permissions.WalletReadOwn).AllowQuery("limit", "cursor")
            .Produces<ListResponse<WalletEntryItem>>().ProducesProblemTypes(ProblemTypes.NotFound)
            .WithName("listWalletEntries").WithSummary("List a wallet's movements")
            .WithDescription("Credits and debits, newest first, a page at a time (follow `next_cursor`); amounts in whole đồng, debits "
                + "negative. A customer sees their own wallet only: another's is a 404, like a missing one.");
        wallets.MapPost("/{userId}/credits", CreditAsync).RequirePermission(Permissions.WalletCredit).WithMetadata(new RequiresIdempotencyKey())
            .Accepts<WalletMovementRequest>("application/json").Produces<BalanceResponse>().ProducesProblemTypes(ProblemTypes.ReferenceConflict, ProblemTypes.BalanceLimit)
            .WithName("creditWallet").WithSummary("Credit a wallet")
            .WithDescription("Adds `amount` (whole đồng) once per `reference`: the same reference and amount again answers the balance without "
                + "adding twice; the reference with another amount or direction is 409 `reference-conflict`; a balance past "
                + "1,000,000,000,000,000 đồng is 409 `balance-limit`.");
        wallets.MapPost("/{userId}/debits", DebitAsync).RequirePermission(Permissions.WalletDebit, Permissions.WalletDebitOwn).WithMetadata(new RequiresIdempotencyKey())
            .Accepts<WalletMovementRequest>("application/json").Produces<BalanceResponse>()
            .ProducesProblemTypes(ProblemTypes.NotFound, ProblemTypes.InsufficientFunds, ProblemTypes.ReferenceConflict)
            .WithName("debitWallet").WithSummary("Debit a wallet")
            .WithDescription("Takes `amount` (whole đồng) once per `reference`; the balance never goes below zero (409 `insufficient-funds`). "
                + "A customer debits their own wallet only.");
    }

    private static async Task<IResult> GetAsync(string userId, HttpContext context, ClaimsPrincipal user, IGrainFactory grains)
    {
        var wallet = FieldErrors.IsIdentifier(userId) && user.MayAccess(userId, Permissions.WalletRead, Permissions.WalletReadOwn)
            ? await grains.GetGrain<IWalletGrain>(userId).Get()
            : null;
        if (wallet is null)
        {
            return Problem.NotFound(context, $"No wallet for {userId}.");
        }

        context.Response.Headers.ETag = EntityTags.Of(wallet.Version);
        return TypedResults.Json(new WalletResponse(wallet.UserId, wallet.Balance, wallet.Currency, wallet.Version), ApiJson.Context.WalletResponse);
    }

    private static async Task<IResult> ListEntriesAsync(string userId, HttpContext context, ClaimsPrincipal user, IWalletEntryQueries queries, CancellationToken cancellationToken)
    {
        if (!FieldErrors.IsIdentifier(userId) || !user.MayAccess(userId, Permissions.WalletRead, Permissions.WalletReadOwn))
        {
            return Problem.NotFound(context, $"No wallet for {userId}.");
        }

        var query = context.Request.Query;
        var errors = new FieldErrors();
        var limit = ListQuery.Limit(query, errors);
        WalletEntryPosition? after = null;
        if (query.TryGetValue("cursor", out var cursor))
        {
            if (ListCursor.TryDecode(cursor, ApiJson.Context.WalletEntryCursor, out var position) && FieldErrors.IsIdentifier(position!.Reference))
            {
                after = new WalletEntryPosition(new DateTimeOffset(DateTime.SpecifyKind(position.CreatedAt, DateTimeKind.Utc)), position.Reference);
            }
            else
            {
                errors.Add("cursor", "Not a cursor of this list.");
            }
        }

        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        var page = await queries.ListAsync(new WalletEntryListRequest(userId, limit, after), cancellationToken);

        // A wallet exists from its first credit on, so a first page without movements means there is none.
        if (after is null && page.Items.Count == 0)
        {
            return Problem.NotFound(context, $"No wallet for {userId}.");
        }

        var next = page.Next is { } n ? ListCursor.Encode(new WalletEntryCursor(n.At.UtcDateTime, n.Reference), ApiJson.Context.WalletEntryCursor) : null;
        var items = page.Items.Select(e => new WalletEntryItem(e.Reference, e.Amount, e.BalanceAfter, e.At.UtcDateTime)).ToList();
        return TypedResults.Json(new ListResponse<WalletEntryItem>(items, next), ApiJson.Context.ListResponseWalletEntryItem);
    }

    private static Task<IResult> CreditAsync(string userId, HttpContext context, IGrainFactory grains)
        => MoveAsync(userId, context, grains, (wallet, amount, reference) => wallet.Credit(amount, reference));

    private static Task<IResult> DebitAsync(string userId, HttpContext context, ClaimsPrincipal user, IGrainFactory grains)
        => user.MayAccess(userId, Permissions.WalletDebit, Permissions.WalletDebitOwn)
            ? MoveAsync(userId, context, grains, (wallet, amount, reference) => wallet.Debit(amount, reference))
            : Task.FromResult<IResult>(Problem.NotFound(context, $"No wallet for {userId}."));

    private static async Task<IResult> MoveAsync(string userId, HttpContext context, IGrainFactory grains, Func<IWalletGrain, long, string, Task<WalletMovement>> move)
    {
        var (request, problem) = await JsonBody.ReadAsync(context, ApiJson.Context.WalletMovementRequest);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        errors.Range("amount", request!.Amount, 1, MaxAmount);
        errors.Identifier("reference", request.Reference);
        if (errors.Any)
        {
            return Problem.Validation(context, errors.ToDictionary());
        }

        if (!FieldErrors.IsIdentifier(userId))
        {
            return Problem.NotFound(context, $"No wallet for {userId}.");
        }

        var movement = await move(grains.GetGrain<IWalletGrain>(userId), request.Amount!.Value, request.Reference!);
        return movement.Status switch
        {
            WalletMovementStatus.WalletNotFound => Problem.NotFound(context, $"No wallet for {userId}."),
            WalletMovementStatus.InsufficientFunds => Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.InsufficientFunds, "Insufficient funds.",
                "The balance does not cover this debit."),
            WalletMovementStatus.ReferenceConflict => Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.ReferenceConflict, "Reference already used.",
                $"Reference {request.Reference} was already used for a different movement on this wallet."),
            WalletMovementStatus.BalanceLimitExceeded => Problem.Of(context, StatusCodes.Status409Conflict, ProblemTypes.BalanceLimit, "Balance limit reached.",
                $"A wallet holds at most {WalletLimits.MaxBalance} đồng; this credit would take it past that."),
            _ => TypedResults.Json(new BalanceResponse(movement.Wallet!.Balance, movement.Wallet.Version), ApiJson.Context.BalanceResponse),
        };
    }
}
