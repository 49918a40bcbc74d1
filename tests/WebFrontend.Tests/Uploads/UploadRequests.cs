using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Uploads;

/// <summary>Asking for upload links and sending bytes to them, as a client would.</summary>
public static class UploadRequests
{
    /// <summary>A PNG's signature followed by <paramref name="size"/> − 8 bytes of a pattern: a valid PNG as far as magic bytes go.</summary>
    public static byte[] Png(int size)
    {
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)(i * 31 + 7);
        }

        ((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).CopyTo(bytes);
        return bytes;
    }

    public static async Task<(Reply Reply, string Id, string Url)> CreateAsync(this HttpClient client, string fileName, string contentType, long size, string? key = null)
    {
        var reply = await client.PostJsonAsync("/api/v1/uploads", Json.Of(new { file_name = fileName, content_type = contentType, size }), key ?? Api.NewKey());
        Assert.True(reply.Status == HttpStatusCode.Created, reply.ToString());
        return (reply, reply.Json!["id"]!.GetValue<string>(), reply.Json!["upload_url"]!.GetValue<string>());
    }

    /// <summary>PUTs <paramref name="bytes"/> with a Content-Length, or (<paramref name="chunked"/>) without one, as a stream of chunks.</summary>
    public static async Task<Reply> PutAsync(this HttpClient client, string url, byte[] bytes, string contentType, bool chunked = false)
    {
        HttpContent content = chunked ? new ChunkedContent(bytes) : new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = content };
        return await Reply.ReadAsync(await client.SendAsync(request));
    }

    /// <summary>PUTs a body whose sending the test controls (<see cref="GatedContent"/>).</summary>
    public static async Task<Reply> PutAsync(this HttpClient client, string url, GatedContent content, string contentType)
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = content };
        return await Reply.ReadAsync(await client.SendAsync(request));
    }

    /// <summary>
    /// A client of a listening front end, with no token, whose PUTs carry <c>Expect: 100-continue</c> and wait for the
    /// server's 100 as long as it takes: a body is sent only once the endpoint starts reading it.
    /// </summary>
    public static HttpClient WaitingForContinue(Uri address)
    {
        var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(2) })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromMinutes(2),
        };
        client.DefaultRequestHeaders.ExpectContinue = true;
        return client;
    }

    public static JsonNode Field(this Reply reply, string name) => reply.Json![name]!;

    /// <summary>A body of unknown length: HttpClient sends it chunked, so only reading it tells its size.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 4096)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(4096, bytes.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>
/// A body that records when it starts to be sent (<see cref="Sending"/>) and, when given a gate, sends its bytes only
/// once the gate opens: with <c>Expect: 100-continue</c>, sending starts only when the server reads the body.
/// </summary>
public sealed class GatedContent(byte[] bytes, bool declareLength, Task? gate = null) : HttpContent
{
    private readonly TaskCompletionSource _sending = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Sending => _sending.Task;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        _sending.TrySetResult();
        if (gate is not null)
        {
            await gate;
        }

        await stream.WriteAsync(bytes);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = bytes.Length;
        return declareLength;
    }
}
