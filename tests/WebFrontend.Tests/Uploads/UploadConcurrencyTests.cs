using System.Net;
using Commerce.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebFrontend.Tests.Infrastructure;
using WebFrontend.Tests.Security;

namespace WebFrontend.Tests.Uploads;

/// <summary>Uploads:MaxConcurrent bounds the content PUTs a front end receives at once; one more is shed, unread.</summary>
[Collection(UploadCollection.Name)]
public sealed class UploadConcurrencyTests(UploadCluster cluster)
{
    [Fact]
    public async Task A_put_over_the_concurrent_uploads_is_503_overloaded_with_retry_after_and_reads_nothing()
    {
        await using var frontEnd = FrontEnd.Listening(cluster.ConnectionString,
            new Dictionary<string, string> { ["BlobStorage:Path"] = cluster.BlobFolder, ["Uploads:MaxConcurrent"] = "1" },
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(cluster.Clock)));
        await frontEnd.ConnectedAsync();
        var owner = frontEnd.ClientFor(Tokens.Customer("upload-olga"));
        var first = UploadRequests.Png(20_000);
        var (_, firstId, firstUrl) = await owner.CreateAsync("first.png", "image/png", first.Length);
        var (_, secondId, secondUrl) = await owner.CreateAsync("second.png", "image/png", first.Length);
        using var anonymous = UploadRequests.WaitingForContinue(frontEnd.Address);

        // The first PUT's body is asked for (100 Continue) only once its endpoint runs, holding the one permit.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new GatedContent(first, declareLength: true, release.Task);
        var firstPut = anonymous.PutAsync(firstUrl, held, "image/png");
        await held.Sending.WaitAsync(TimeSpan.FromSeconds(30));

        var shedBody = new GatedContent(first, declareLength: true);
        var shed = await anonymous.PutAsync(secondUrl, shedBody, "image/png");

        ProblemAssert.Is(shed, HttpStatusCode.ServiceUnavailable, "overloaded");
        Assert.Equal("1", shed.Header("Retry-After"));
        Assert.False(shedBody.Sending.IsCompleted);
        Assert.Empty(cluster.BlobsOf(secondId));
        Assert.Equal("PENDING_UPLOAD", await cluster.Database.TextAsync("SELECT status FROM uploads WHERE id = $1", secondId));

        release.SetResult();
        Assert.Equal(HttpStatusCode.Created, (await firstPut).Status);
        var retried = await anonymous.PutAsync(secondUrl, new GatedContent(first, declareLength: true), "image/png");
        Assert.True(retried.Status == HttpStatusCode.Created, retried.ToString());
        Assert.Single(cluster.BlobsOf(firstId));
    }
}
