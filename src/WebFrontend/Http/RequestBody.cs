using System.Buffers;
using Microsoft.Extensions.Options;

namespace WebFrontend.Http;

/// <summary>
/// The request body, read once into memory up to the size limit whatever the server (Kestrel or a test host) enforces,
/// and kept for whoever needs it next (the idempotency fingerprint, then the endpoint).
/// </summary>
public sealed class RequestBody
{
    private RequestBody(ReadOnlyMemory<byte> bytes) => Bytes = bytes;

    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The body, or null when it is larger than the limit.</summary>
    public static async Task<RequestBody?> ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<RequestBody>() is { } read)
        {
            return read;
        }

        var limit = context.RequestServices.GetRequiredService<IOptions<FrontendOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Clamp(context.Request.ContentLength ?? 4096, 1, limit + 1L));
        try
        {
            while (true)
            {
                var span = buffer.GetMemory(4096);
                var count = await context.Request.Body.ReadAsync(span, context.RequestAborted);
                if (count == 0)
                {
                    break;
                }

                buffer.Advance(count);
                if (buffer.WrittenCount > limit)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel enforces the same limit (ServerLimits) and may notice first, in the middle of a chunked body.
            return null;
        }

        var body = new RequestBody(buffer.WrittenMemory);
        context.Features.Set(body);
        return body;
    }
}
