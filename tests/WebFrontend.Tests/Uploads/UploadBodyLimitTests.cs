using System.Net;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using WebFrontend.Tests.Infrastructure;
using WebFrontend.Tests.Security;

namespace WebFrontend.Tests.Uploads;

/// <summary>
/// A server that cannot raise its request body limit for an upload (the in-memory test server offers no
/// IHttpMaxRequestBodySizeFeature) would cut the upload at its own limit with a misleading 413: it says so instead.
/// </summary>
[Collection(UploadCollection.Name)]
public sealed class UploadBodyLimitTests(UploadCluster cluster)
{
    [Fact]
    public async Task Without_a_body_limit_to_raise_a_put_is_500_logged_as_an_error_and_reads_nothing()
    {
        await using var frontEnd = new FrontEnd(cluster.ConnectionString, services => services.AddFakeLogging(),
            settings: new Dictionary<string, string> { ["BlobStorage:Path"] = cluster.BlobFolder });
        await frontEnd.ConnectedAsync();
        var client = frontEnd.ClientFor(Tokens.Customer("upload-pia"));
        var bytes = UploadRequests.Png(5_000);
        var (_, id, url) = await client.CreateAsync("nolimit.png", "image/png", bytes.Length);

        var put = await client.PutAsync(url, bytes, "image/png");

        ProblemAssert.Is(put, HttpStatusCode.InternalServerError, "internal-error");
        var logged = Assert.Single(frontEnd.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Name == "UploadBodyLimitUnavailable");
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Empty(cluster.BlobsOf(id));
        Assert.Equal("PENDING_UPLOAD", await cluster.Database.TextAsync("SELECT status FROM uploads WHERE id = $1", id));
    }
}
