using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace BlobStorage.Tests;

/// <summary>The filesystem store, its links served by the front end's <c>GET /api/v1/blobs/{key}</c>.</summary>
public sealed class FileSystemBlobStoreTests(BlobFrontEnd frontEnd) : BlobStoreConformanceTests, IClassFixture<BlobFrontEnd>
{
    private readonly HttpClient _client = frontEnd.CreateClient();

    protected override IBlobStore NewStore() => new FileSystemBlobStore(frontEnd.Folder, frontEnd.Services.GetRequiredService<SignedBlobLinks>());

    protected override int OpenWrites()
    {
        var parts = Path.Combine(frontEnd.Folder, "parts");
        // A write in parts is a folder; a whole write in progress (or one that failed and left it) a temporary file.
        return Directory.Exists(parts) ? Directory.GetFileSystemEntries(parts).Length : 0;
    }

    protected override Task<HttpResponseMessage> FetchAsync(Uri link) => _client.GetAsync(link);

    protected override Uri Tamper(Uri link) => WithQuery(link, "signature", TamperSignature(QueryOf(link)["signature"]!));

    protected override Task<Uri> ExpiredLinkAsync(IBlobStore store, string key)
    {
        var link = store.CreateDownloadLink(key, "old.csv", "text/csv", frontEnd.Clock.GetUtcNow().AddMinutes(10));
        frontEnd.Clock.Advance(TimeSpan.FromMinutes(10));
        return Task.FromResult(link);
    }

    protected override async Task AssertLinkRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://errors.example/invalid-link", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(403, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_link_is_good_until_the_second_it_expires()
    {
        var store = NewStore();
        var key = $"tests/{Guid.NewGuid():N}/edge.csv";
        await store.WriteAsync(key, new MemoryStream([1, 2, 3]), "text/csv", default);
        var link = store.CreateDownloadLink(key, "edge.csv", "text/csv", frontEnd.Clock.GetUtcNow().AddSeconds(30));

        frontEnd.Clock.Advance(TimeSpan.FromSeconds(29));
        using (var stillGood = await FetchAsync(link))
        {
            Assert.Equal(HttpStatusCode.OK, stillGood.StatusCode);
        }

        frontEnd.Clock.Advance(TimeSpan.FromSeconds(1));
        using var expired = await FetchAsync(link);
        await AssertLinkRefusedAsync(expired);
    }

    [Theory]
    [InlineData("name", "other.csv")]
    [InlineData("type", "text/html")]
    [InlineData("expires", "4102444800")]
    public async Task A_link_with_any_signed_field_changed_is_refused(string field, string value)
    {
        var key = await WrittenAsync([1, 2, 3]);
        var link = NewStore().CreateDownloadLink(key, "report.csv", "text/csv", frontEnd.Clock.GetUtcNow().AddHours(1));

        using var response = await FetchAsync(WithQuery(link, field, value));

        await AssertLinkRefusedAsync(response);
    }

    [Fact]
    public async Task A_link_to_another_key_is_refused()
    {
        var key = await WrittenAsync([1, 2, 3]);
        var other = await WrittenAsync([4, 5, 6]);
        var link = NewStore().CreateDownloadLink(key, "report.csv", "text/csv", frontEnd.Clock.GetUtcNow().AddHours(1));

        using var response = await FetchAsync(new Uri(link.OriginalString.Replace(key, other, StringComparison.Ordinal), UriKind.Relative));

        await AssertLinkRefusedAsync(response);
    }

    [Fact]
    public async Task A_link_without_its_signature_is_refused()
    {
        var key = await WrittenAsync([1, 2, 3]);
        var link = NewStore().CreateDownloadLink(key, "report.csv", "text/csv", frontEnd.Clock.GetUtcNow().AddHours(1));
        var query = QueryOf(link);
        query.Remove("signature");

        using var response = await FetchAsync(new Uri(QueryHelpers.AddQueryString(link.OriginalString.Split('?')[0], query), UriKind.Relative));

        await AssertLinkRefusedAsync(response);
    }

    [Fact]
    public async Task An_unknown_query_parameter_is_a_validation_problem()
    {
        var key = await WrittenAsync([1, 2, 3]);
        var link = NewStore().CreateDownloadLink(key, "report.csv", "text/csv", frontEnd.Clock.GetUtcNow().AddHours(1));

        using var response = await FetchAsync(new Uri(link.OriginalString + "&download=1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://errors.example/validation-failed", problem.RootElement.GetProperty("type").GetString());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("download", out _));
    }

    [Fact]
    public async Task A_deleted_blob_is_not_found_through_a_good_link()
    {
        var store = NewStore();
        var key = await WrittenAsync([1, 2, 3]);
        var link = store.CreateDownloadLink(key, "report.csv", "text/csv", frontEnd.Clock.GetUtcNow().AddHours(1));
        await store.DeleteAsync(key, default);

        using var response = await FetchAsync(link);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("https://errors.example/not-found", problem.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_range_request_gets_that_range()
    {
        var content = TestContent.Bytes(10_000, seed: 101);
        var key = await WrittenAsync(content);
        var link = NewStore().CreateDownloadLink(key, "report.bin", "application/octet-stream", frontEnd.Clock.GetUtcNow().AddHours(1));
        using var request = new HttpRequestMessage(HttpMethod.Get, link);
        request.Headers.Range = new RangeHeaderValue(1000, 1999);

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(new ContentRangeHeaderValue(1000, 1999, 10_000), response.Content.Headers.ContentRange);
        Assert.Equal(content[1000..2000], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_download()
    {
        using var response = await _client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var operation = document.RootElement.GetProperty("paths").GetProperty("/api/v1/blobs/{key}").GetProperty("get");
        Assert.Equal("downloadBlob", operation.GetProperty("operationId").GetString());
        Assert.Equal(["Files"], operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.False(operation.TryGetProperty("security", out _));
        var parameters = operation.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Order().ToList();
        Assert.Equal(["expires", "key", "name", "signature", "type"], parameters);
        var responses = operation.GetProperty("responses");
        Assert.Contains("invalid-link", responses.GetProperty("403").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("not-found", responses.GetProperty("404").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(responses.TryGetProperty("200", out _));
        Assert.True(responses.TryGetProperty("206", out _));
    }

    private async Task<string> WrittenAsync(byte[] content)
    {
        var key = $"tests/{Guid.NewGuid():N}/file.bin";
        await NewStore().WriteAsync(key, new MemoryStream(content), "application/octet-stream", default);
        return key;
    }

    private static Dictionary<string, string?> QueryOf(Uri link)
        => QueryHelpers.ParseQuery("?" + link.OriginalString.Split('?', 2)[1]).ToDictionary(p => p.Key, p => (string?)p.Value.ToString());

    private static Uri WithQuery(Uri link, string name, string value)
    {
        var query = QueryOf(link);
        query[name] = value;
        return new Uri(QueryHelpers.AddQueryString(link.OriginalString.Split('?')[0], query), UriKind.Relative);
    }
}
