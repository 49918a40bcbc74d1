namespace WebFrontend.Features.Wallets;

public sealed record WalletMovementRequest(long? Amount, string? Reference);

public sealed record WalletResponse(string UserId, long Balance, string Currency, long Version);

public sealed record BalanceResponse(long Balance, long Version);
