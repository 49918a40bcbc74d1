using System.Collections.Frozen;
using System.Security.Claims;

namespace WebFrontend.Auth;

/// <summary>
/// What each role may do (API.md "Roles and permissions"). A permission ending in <c>:own</c> covers the caller's own
/// objects; the same permission without it covers everyone's.
/// </summary>
public static class Permissions
{
    public const string ProductRead = "product:read";
    public const string ProductWrite = "product:write";
    public const string OrderCreate = "order:create";
    public const string OrderRead = "order:read";
    public const string OrderReadOwn = "order:read:own";
    public const string OrderCancelOwn = "order:cancel:own";
    public const string OrderUpdate = "order:update";
    public const string WalletRead = "wallet:read";
    public const string WalletReadOwn = "wallet:read:own";
    public const string WalletDebit = "wallet:debit";
    public const string WalletDebitOwn = "wallet:debit:own";
    public const string WalletCredit = "wallet:credit";
    public const string UploadCreate = "upload:create";

    /// <summary>Anyone's uploads (admins); a customer reads their own with <see cref="UploadCreate"/>.</summary>
    public const string UploadRead = "upload:read";
    public const string ReportExport = "report:export";

    /// <summary>Every user's export jobs (an admin's); <see cref="ReportExport"/> alone covers the caller's own.</summary>
    public const string ReportRead = "report:read";
    public const string ClusterRead = "cluster:read";

    private static readonly string[] s_customer = [ProductRead, OrderCreate, OrderReadOwn, OrderCancelOwn, WalletReadOwn, WalletDebitOwn, UploadCreate];
    private static readonly string[] s_staff = [.. s_customer, OrderRead, OrderUpdate];
    private static readonly string[] s_manager = [.. s_staff, ProductWrite, ReportExport];
    private static readonly string[] s_admin = [.. s_manager, WalletRead, WalletDebit, WalletCredit, UploadRead, ClusterRead, ReportRead];

    private static readonly FrozenDictionary<string, FrozenSet<string>> s_byRole = new Dictionary<string, FrozenSet<string>>
    {
        [Roles.Customer] = s_customer.ToFrozenSet(),
        [Roles.Staff] = s_staff.ToFrozenSet(),
        [Roles.Manager] = s_manager.ToFrozenSet(),
        [Roles.Admin] = s_admin.ToFrozenSet(),
    }.ToFrozenDictionary();

    public static bool Has(this ClaimsPrincipal user, string permission)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindAll(ClaimNames.Role).Any(role => s_byRole.TryGetValue(role.Value, out var granted) && granted.Contains(permission));
    }

    /// <summary>Everything the caller's roles grant, sorted (the dashboard shows it).</summary>
    public static IReadOnlyList<string> GrantedPermissions(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return [.. user.FindAll(ClaimNames.Role)
            .SelectMany(role => s_byRole.TryGetValue(role.Value, out var granted) ? granted : [])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The caller may act on this owner's object: with the permission for everyone's, or the :own one if it is theirs.</summary>
    public static bool MayAccess(this ClaimsPrincipal user, string ownerId, string anyPermission, string ownPermission)
        => user.Has(anyPermission) || (user.Has(ownPermission) && string.Equals(user.UserId(), ownerId, StringComparison.Ordinal));

    public static string UserId(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirstValue(ClaimNames.Subject) ?? throw new InvalidOperationException("An authenticated user has a subject.");
    }

    /// <summary>
    /// Whether the token names a user as the API identifies them (1 to 64 letters, digits, '-' or '_', like the wallet
    /// ids in paths). Users live with the token issuer, not here: a signed token without such a subject is refused
    /// rather than acted on as nobody or as a made-up id.
    /// </summary>
    public static bool HasValidSubject(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindAll(ClaimNames.Subject).Count() == 1 && Http.FieldErrors.IsIdentifier(user.FindFirstValue(ClaimNames.Subject));
    }

    public static string DisplayName(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirstValue(ClaimNames.Name) ?? user.UserId();
    }

    /// <summary>Requires a signed-in caller holding at least one of <paramref name="anyOf"/>.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, params string[] anyOf) where TBuilder : IEndpointConventionBuilder
        => builder.RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireAssertion(context => anyOf.Any(context.User.Has)));
}

public static class Roles
{
    public const string Customer = "customer";
    public const string Staff = "staff";
    public const string Manager = "manager";
    public const string Admin = "admin";
}

/// <summary>The JWT claims the API reads, unmapped (sub, role, name).</summary>
public static class ClaimNames
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Name = "name";
}
