using System.Net;
using System.Xml.Linq;
using Commerce.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace BlobStorage.Tests;

/// <summary>The S3 store against s3rver (tools/s3rver): its links are presigned URLs fetched from the emulator itself.</summary>
public sealed class S3BlobStoreTests(S3BlobStoreTests.Emulator emulator) : BlobStoreConformanceTests, IClassFixture<S3BlobStoreTests.Emulator>
{
    private static readonly HttpClient s_http = new();

    protected override IBlobStore NewStore() => S3BlobStore.Create(emulator.Options);

    protected override int OpenWrites() => emulator.Server.OpenUploads();

    /// <summary>s3rver completes parts of any size; S3 answers EntityTooSmall, which the store turns into the same ArgumentException.</summary>
    protected override bool RefusesSmallParts => false;

    protected override Task<HttpResponseMessage> FetchAsync(Uri link) => s_http.GetAsync(link);

    protected override Uri Tamper(Uri link)
    {
        var query = QueryHelpers.ParseQuery(link.Query);
        var signature = query["X-Amz-Signature"].ToString();
        return new Uri(link.AbsoluteUri.Replace(signature, TamperSignature(signature), StringComparison.Ordinal));
    }

    /// <summary>
    /// s3rver checks expiry against its own (real) clock, so this link is presigned already expired: a second ago.
    /// The front end's clock plays no part in S3 links.
    /// </summary>
    protected override Task<Uri> ExpiredLinkAsync(IBlobStore store, string key)
        => Task.FromResult(store.CreateDownloadLink(key, "old.csv", "text/csv", DateTimeOffset.UtcNow.AddSeconds(-1)));

    protected override async Task AssertLinkRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("Error", error.Name.LocalName);
        Assert.Contains(error.Element("Code")?.Value, new[] { "SignatureDoesNotMatch", "AccessDenied" });
    }

    [Fact]
    public async Task A_tampered_link_is_refused_as_a_signature_mismatch()
    {
        var store = NewStore();
        var key = $"tests/{Guid.NewGuid():N}/secret.csv";
        await store.WriteAsync(key, new MemoryStream([1, 2, 3]), "text/csv", default);
        var link = store.CreateDownloadLink(key, "secret.csv", "text/csv", DateTimeOffset.UtcNow.AddHours(1));

        using var tampered = await FetchAsync(Tamper(link));
        using var otherName = await FetchAsync(new Uri(link.AbsoluteUri.Replace("secret.csv", "public.csv", StringComparison.Ordinal)));
        using var anonymous = await FetchAsync(new Uri(link.GetLeftPart(UriPartial.Path)));

        Assert.Equal("SignatureDoesNotMatch", await ErrorCodeAsync(tampered));
        Assert.Equal("SignatureDoesNotMatch", await ErrorCodeAsync(otherName));
        Assert.Equal("AccessDenied", await ErrorCodeAsync(anonymous));
    }

    [Fact]
    public async Task An_expired_link_is_refused_as_expired_not_as_forged()
    {
        var store = NewStore();
        var key = $"tests/{Guid.NewGuid():N}/old.csv";
        await store.WriteAsync(key, new MemoryStream([1, 2, 3]), "text/csv", default);

        using var response = await FetchAsync(await ExpiredLinkAsync(store, key));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var error = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("AccessDenied", error.Element("Code")?.Value);
        Assert.Equal("Request has expired", error.Element("Message")?.Value);
    }

    [Fact]
    public void Links_are_presigned_urls_of_the_emulator_with_the_response_overrides()
    {
        var link = NewStore().CreateDownloadLink("tests/a/b.csv", "b.csv", "text/csv", DateTimeOffset.UtcNow.AddMinutes(5));
        var query = QueryHelpers.ParseQuery(link.Query);

        Assert.Equal(emulator.Server.ServiceUrl.GetLeftPart(UriPartial.Authority), link.GetLeftPart(UriPartial.Authority));
        Assert.Equal($"/{emulator.Server.Bucket}/tests/a/b.csv", link.AbsolutePath);
        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"]);
        Assert.Equal("text/csv", query["response-content-type"]);
        Assert.StartsWith("attachment; filename=b.csv", query["response-content-disposition"].ToString(), StringComparison.Ordinal);
        Assert.InRange(int.Parse(query["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture), 298, 300);
    }

    [Fact]
    public void A_link_beyond_s3s_seven_days_is_refused_when_made()
    {
        var store = NewStore();

        Assert.Throws<ArgumentOutOfRangeException>(() => store.CreateDownloadLink("tests/a/b.csv", "b.csv", "text/csv", DateTimeOffset.UtcNow.AddDays(7).AddMinutes(1)));
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        return XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("Code")?.Value;
    }

    /// <summary>One emulator for the class's tests, each on keys of its own.</summary>
    public sealed class Emulator : IAsyncLifetime
    {
        public S3Emulator Server { get; private set; } = null!;

        public S3StorageOptions Options { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Server = await S3Emulator.StartAsync();
            Options = new S3StorageOptions
            {
                ServiceUrl = Server.ServiceUrl.ToString(),
                Region = S3Emulator.Region,
                Bucket = Server.Bucket,
                AccessKey = S3Emulator.AccessKey,
                SecretKey = S3Emulator.SecretKey,
                ForcePathStyle = true,
            };
        }

        public async Task DisposeAsync() => await Server.DisposeAsync();
    }
}
