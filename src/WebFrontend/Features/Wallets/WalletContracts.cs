namespace WebFrontend.Features.Wallets;

public sealed record WalletMovementRequest(long? Amount, string? Reference);

public sealed record WalletResponse(string UserId, long Balance, string Currency, long Version);

public sealed record BalanceResponse(long Balance, long Version);

/// <param name="Amount">Positive for a credit, negative for a debit.</param>
public sealed record WalletEntryItem(string Reference, long Amount, long BalanceAfter, DateTime CreatedAt);

public sealed record WalletEntryCursor(DateTime CreatedAt, string Reference);
