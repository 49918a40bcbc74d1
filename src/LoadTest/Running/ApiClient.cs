using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LoadTest.Arguments;
using LoadTest.Measuring;

namespace LoadTest.Running;

/// <summary>
/// Sends the scenarios' requests, times each one and counts its answer under an operation name. Every address is
/// checked to be loopback before anything is sent, whether it came from the command line or from an answer.
/// </summary>
public sealed class ApiClient(HttpClient http, Uri target, RunStats? stats, TimeProvider time)
{
    public Uri Target { get; } = target;

    /// <summary>The same connections, for setup and checks that must not count in the run's numbers.</summary>
    public ApiClient Unmeasured() => new(http, Target, null, time);

    /// <summary>
    /// A connection pool as wide as the concurrency (one connection per request in flight), no redirects followed
    /// and no cookies kept, so every request is what the scenario sent.
    /// </summary>
    public static HttpClient CreateHttpClient(int concurrency) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = concurrency,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public Task<ApiAnswer> GetAsync(string operation, string pathOrUrl, string? token, CancellationToken cancellationToken)
        => SendAsync(operation, HttpMethod.Get, pathOrUrl, token, body: null, idempotencyKey: null, cancellationToken);

    public Task<ApiAnswer> PostAsync(string operation, string pathOrUrl, string? token, string body, string? idempotencyKey, CancellationToken cancellationToken)
        => SendAsync(operation, HttpMethod.Post, pathOrUrl, token, body, idempotencyKey, cancellationToken);

    public async Task<ApiAnswer> SendAsync(
        string operation, HttpMethod method, string pathOrUrl, string? token, string? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var uri = new Uri(Target, pathOrUrl);
        if (!LoopbackTarget.IsLoopback(uri))
        {
            throw new NonLoopbackTargetException(uri);
        }

        using var request = new HttpRequestMessage(method, uri);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var started = time.GetTimestamp();
        ApiAnswer answer;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            answer = new ApiAnswer(new Answer((int)response.StatusCode, ProblemType(response, text)), text);
        }
        catch (HttpRequestException exception)
        {
            answer = new ApiAnswer(Answer.Transport(exception.HttpRequestError.ToString()), exception.Message);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            answer = new ApiAnswer(Answer.Transport("timeout"), exception.Message);
        }

        stats?.Record(operation, time.GetElapsedTime(started), answer.Answer);
        return answer;
    }

    /// <summary>The stable part of a problem's <c>type</c> (<c>https://errors.example/out-of-stock</c> → <c>out-of-stock</c>).</summary>
    private static string? ProblemType(HttpResponseMessage response, string body)
    {
        if (response.StatusCode < HttpStatusCode.BadRequest || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("type", out var type) && type.GetString() is { } uri
                ? uri[(uri.LastIndexOf('/') + 1)..]
                : null;
        }
        catch (JsonException)
        {
            return "malformed-problem";
        }
    }
}
