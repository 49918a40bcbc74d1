using System.Security.Cryptography;
using System.Text;

namespace WebFrontend.Features.Exports;

/// <summary>
/// A job's id derives from its owner and the request's Idempotency-Key, as an order's does: a retry whose first answer
/// was lost reaches the same job grain, which answers the job it started instead of exporting everything twice.
/// </summary>
public static class ExportIds
{
    public static string For(string ownerId, string idempotencyKey)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"export\n{ownerId}\n{idempotencyKey}"), hash);
        return $"exp_{Convert.ToHexStringLower(hash[..16])}";
    }
}
