using System.ComponentModel;
using WebFrontend.Http;

namespace WebFrontend.Features.Wallets;

public sealed record WalletMovementRequest([property: Description(Amounts.Description)] long? Amount, string? Reference);

public sealed record WalletResponse(string UserId, [property: Description(Amounts.Description)] long Balance, string Currency, long Version);

public sealed record BalanceResponse([property: Description(Amounts.Description)] long Balance, long Version);

/// <param name="Amount">Positive for a credit, negative for a debit.</param>
public sealed record WalletEntryItem(
    string Reference,
    [property: Description(Amounts.Description)] long Amount,
    [property: Description(Amounts.Description)] long BalanceAfter,
    DateTime CreatedAt);

public sealed record WalletEntryCursor(DateTime CreatedAt, string Reference);
