using System.Security.Cryptography;
using System.Text;

namespace WebFrontend.Features.Orders;

/// <summary>
/// An order's id is derived from its customer and the request's Idempotency-Key, so a retry after a lost answer (a
/// timeout, a dropped connection: the idempotency entry is forgotten while the order's saga goes on) reaches the same
/// order grain, which recognises the repeat instead of placing a second order.
/// </summary>
public static class OrderIds
{
    public static string For(string customerId, string idempotencyKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{customerId}\n{idempotencyKey}"), hash);
        return $"ord_{Convert.ToHexStringLower(hash[..16])}";
    }
}
