using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebFrontend.Tests.Infrastructure;

/// <summary>Small helpers for calling the API as a client would: raw JSON in, status and parsed JSON out.</summary>
public static class Api
{
    public static HttpRequestMessage Request(HttpMethod method, string path, string? json = null, string? idempotencyKey = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    public static async Task<Reply> SendAsync(this HttpClient client, HttpMethod method, string path, string? json = null, string? idempotencyKey = null)
        => await Reply.ReadAsync(await client.SendAsync(Request(method, path, json, idempotencyKey)));

    public static Task<Reply> GetJsonAsync(this HttpClient client, string path) => client.SendAsync(HttpMethod.Get, path);

    public static Task<Reply> PostJsonAsync(this HttpClient client, string path, string json, string? idempotencyKey = null)
        => client.SendAsync(HttpMethod.Post, path, json, idempotencyKey);

    public static string NewKey() => Guid.NewGuid().ToString("N");
}

public sealed record Reply(HttpStatusCode Status, string Body, HttpResponseMessage Response)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    public string? ProblemType => Response.Content.Headers.ContentType?.MediaType == "application/problem+json" ? Json?["type"]?.GetValue<string>() : null;

    public string? Header(string name)
        => Response.Headers.TryGetValues(name, out var values) || Response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

    public static async Task<Reply> ReadAsync(HttpResponseMessage response)
        => new(response.StatusCode, await response.Content.ReadAsStringAsync(), response);

    public override string ToString() => $"{(int)Status} {Body}";
}

public static class Json
{
    public static string Of(object value) => JsonSerializer.Serialize(value);
}
