using System.Net;
using System.Security.Cryptography;
using System.Web;
using Commerce.Testing;
using WebFrontend.Tests.Infrastructure;
using WebFrontend.Tests.Security;

namespace WebFrontend.Tests.Uploads;

/// <summary>
/// Case C9 through the real front end (Kestrel), a silo and PostgreSQL: a signed, expiring link; the bytes streamed to
/// the blob store; the validation's verdict in the <c>uploads</c> table; and every refusal writing nothing.
/// </summary>
[Collection(UploadCollection.Name)]
public sealed class UploadTests(UploadCluster cluster)
{
    private static readonly TimeSpan s_verdictWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_png_put_through_its_link_becomes_valid_with_its_exact_size_and_sha256_recorded()
    {
        var client = cluster.Client(Tokens.Customer("upload-alice"));
        var bytes = UploadRequests.Png(50_000);
        var (created, id, url) = await client.CreateAsync("holiday.png", "image/png", bytes.Length);
        Assert.Equal($"/api/v1/uploads/{id}", created.Header("Location"));
        Assert.Equal(bytes.Length, created.Field("max_size").GetValue<long>());
        Assert.Equal(cluster.Clock.GetUtcNow().AddMinutes(15).ToUnixTimeSeconds(), DateTimeOffset.Parse(created.Field("expires_at").GetValue<string>(), null).ToUnixTimeSeconds());
        Assert.StartsWith($"/api/v1/uploads/{id}/content?expires=", url, StringComparison.Ordinal);
        Assert.Equal("PENDING_UPLOAD", await cluster.Database.TextAsync("SELECT status FROM uploads WHERE id = $1", id));

        var put = await client.PutAsync(url, bytes, "image/png");

        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.True(put.Status == HttpStatusCode.Created, put.ToString());
        Assert.Equal("UPLOADED", put.Field("status").GetValue<string>());
        Assert.Equal(sha256, put.Field("sha256").GetValue<string>());
        Assert.Equal("VALID", await UploadStatusSignal.VerdictAsync(cluster.Database, id, s_verdictWait));
        var read = await client.GetJsonAsync($"/api/v1/uploads/{id}");
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("VALID", read.Field("status").GetValue<string>());
        Assert.Equal(bytes.Length, read.Field("size").GetValue<long>());
        Assert.Equal(sha256, read.Field("sha256").GetValue<string>());
        Assert.Null(read.Json!["reason"]);
        Assert.Equal($"upload-alice holiday.png image/png {bytes.Length} VALID {bytes.Length} {sha256}", await cluster.Database.TextAsync(
            "SELECT concat_ws(' ', owner_id, file_name, content_type, declared_size, status, size, sha256) FROM uploads WHERE id = $1", id));
        var stored = Assert.Single(cluster.BlobsOf(id));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(stored));
    }

    [Fact]
    public async Task Content_that_is_not_the_declared_type_is_rejected_with_a_reason_and_deleted()
    {
        var client = cluster.Client(Tokens.Customer("upload-bob"));
        var bytes = "%PDF-1.7 not a png at all"u8.ToArray();
        var (_, id, url) = await client.CreateAsync("fake.png", "image/png", bytes.Length);

        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(url, bytes, "image/png")).Status);

        Assert.Equal("REJECTED", await UploadStatusSignal.VerdictAsync(cluster.Database, id, s_verdictWait));
        var read = await client.GetJsonAsync($"/api/v1/uploads/{id}");
        Assert.Equal("REJECTED", read.Field("status").GetValue<string>());
        Assert.Equal("The content does not start as image/png does.", read.Field("reason").GetValue<string>());
        Assert.Empty(cluster.BlobsOf(id));
    }

    [Fact]
    public async Task Content_shorter_than_declared_is_rejected_for_its_size_and_deleted()
    {
        var client = cluster.Client(Tokens.Customer("upload-carol"));
        var (_, id, url) = await client.CreateAsync("short.png", "image/png", 1000);

        var put = await client.PutAsync(url, UploadRequests.Png(600), "image/png");

        Assert.Equal(HttpStatusCode.Created, put.Status);
        Assert.Equal(600, put.Field("size").GetValue<long>());
        Assert.Equal("REJECTED", await UploadStatusSignal.VerdictAsync(cluster.Database, id, s_verdictWait));
        Assert.Equal("The content is 600 bytes, not the 1000 declared.", await cluster.Database.TextAsync("SELECT reason FROM uploads WHERE id = $1", id));
        Assert.Empty(cluster.BlobsOf(id));
    }

    [Theory]
    [InlineData("expires")]
    [InlineData("max_size")]
    [InlineData("content_type")]
    [InlineData("signature")]
    [InlineData("id")]
    public async Task A_link_with_any_signed_field_changed_is_refused_with_403_and_nothing_is_written(string field)
    {
        var client = cluster.Client(Tokens.Customer("upload-dave"));
        var bytes = UploadRequests.Png(2000);
        var (_, id, url) = await client.CreateAsync("a.png", "image/png", bytes.Length);
        var (_, otherId, _) = await client.CreateAsync("b.png", "image/png", bytes.Length);
        var path = url[..url.IndexOf('?', StringComparison.Ordinal)];
        var query = HttpUtility.ParseQueryString(url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..]);
        var contentType = "image/png";
        switch (field)
        {
            case "expires":
                query["expires"] = (long.Parse(query["expires"]!, null) + 3600).ToString(null, null);
                break;
            case "max_size":
                query["max_size"] = "1000000";
                break;
            case "content_type":
                query["content_type"] = contentType = "image/gif";
                break;
            case "signature":
                var signature = query["signature"]!;
                query["signature"] = (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
                break;
            default:
                path = path.Replace(id, otherId, StringComparison.Ordinal);
                break;
        }

        var put = await client.PutAsync($"{path}?{query}", bytes, contentType);

        ProblemAssert.Is(put, HttpStatusCode.Forbidden, "invalid-link");
        foreach (var upload in new[] { id, otherId })
        {
            Assert.Empty(cluster.BlobsOf(upload));
            Assert.Equal("PENDING_UPLOAD", await cluster.Database.TextAsync("SELECT status FROM uploads WHERE id = $1", upload));
        }
    }

    [Fact]
    public async Task A_link_used_after_it_expired_is_refused_with_403_and_nothing_is_written()
    {
        var client = cluster.Client(Tokens.Customer("upload-erin"));
        var bytes = UploadRequests.Png(2000);
        var (_, id, url) = await client.CreateAsync("late.png", "image/png", bytes.Length);

        cluster.Clock.Advance(TimeSpan.FromMinutes(15));
        var put = await client.PutAsync(url, bytes, "image/png");

        ProblemAssert.Is(put, HttpStatusCode.Forbidden, "invalid-link");
        Assert.Empty(cluster.BlobsOf(id));
        Assert.Equal("PENDING_UPLOAD", await cluster.Database.TextAsync("SELECT status FROM uploads WHERE id = $1", id));
    }

    [Fact]
    public async Task A_body_of_another_content_type_is_refused_with_415()
    {
        var client = cluster.Client(Tokens.Customer("upload-fay"));
        var bytes = UploadRequests.Png(2000);
        var (_, id, url) = await client.CreateAsync("pic.png", "image/png", bytes.Length);

        var put = await client.PutAsync(url, bytes, "image/jpeg");

        ProblemAssert.Is(put, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Empty(cluster.BlobsOf(id));
        Assert.Equal("PENDING_UPLOAD", await cluster.Database.TextAsync("SELECT status FROM uploads WHERE id = $1", id));
    }

    [Fact]
    public async Task A_declared_length_over_the_signed_size_is_refused_with_413_before_the_body_is_read()
    {
        var client = cluster.Client(Tokens.Customer("upload-gus"));
        var (_, id, url) = await client.CreateAsync("big.png", "image/png", 10_000);

        // Sent with "Expect: 100-continue": the client holds the body back until the server starts reading it, so the
        // body is sent only if the endpoint reads it.
        using var anonymous = UploadRequests.WaitingForContinue(cluster.FrontEnd.Address);
        var body = new GatedContent(UploadRequests.Png(10_001), declareLength: true);
        var put = await anonymous.PutAsync(url, body, "image/png");

        ProblemAssert.Is(put, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.False(body.Sending.IsCompleted);
        Assert.Empty(cluster.BlobsOf(id));
        Assert.Equal("PENDING_UPLOAD", await cluster.Database.TextAsync("SELECT status FROM uploads WHERE id = $1", id));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Three_mebibytes_go_through_the_front_end_past_its_own_1_MiB_body_limit(bool chunked)
    {
        var client = cluster.Client(Tokens.Customer("upload-faye"));
        var bytes = UploadRequests.Png(3 * 1024 * 1024);
        var (_, id, url) = await client.CreateAsync("large.png", "image/png", bytes.Length);

        var put = await client.PutAsync(url, bytes, "image/png", chunked);

        Assert.True(put.Status == HttpStatusCode.Created, put.ToString());
        Assert.Equal(bytes.Length, put.Field("size").GetValue<long>());
        Assert.Equal("VALID", await UploadStatusSignal.VerdictAsync(cluster.Database, id, s_verdictWait));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Assert.Single(cluster.BlobsOf(id))));
    }

    [Fact]
    public async Task A_chunked_body_over_the_signed_size_is_cut_with_413_keeps_nothing_and_the_link_still_takes_the_right_file()
    {
        var client = cluster.Client(Tokens.Customer("upload-hana"));
        var (_, id, url) = await client.CreateAsync("stream.png", "image/png", 10_000);

        var put = await client.PutAsync(url, UploadRequests.Png(30_000), "image/png", chunked: true);

        ProblemAssert.Is(put, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Empty(cluster.BlobsOf(id));
        Assert.Empty(cluster.TemporaryFiles());
        Assert.Equal("PENDING_UPLOAD", await cluster.Database.TextAsync("SELECT status FROM uploads WHERE id = $1", id));

        var retry = await client.PutAsync(url, UploadRequests.Png(10_000), "image/png", chunked: true);
        Assert.True(retry.Status == HttpStatusCode.Created, retry.ToString());
        Assert.Equal("VALID", await UploadStatusSignal.VerdictAsync(cluster.Database, id, s_verdictWait));
    }

    [Fact]
    public async Task A_second_put_after_the_content_arrived_is_refused_with_409_and_changes_nothing()
    {
        var client = cluster.Client(Tokens.Customer("upload-ivan"));
        var bytes = UploadRequests.Png(3000);
        var (_, id, url) = await client.CreateAsync("once.png", "image/png", bytes.Length);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(url, bytes, "image/png")).Status);

        var again = await client.PutAsync(url, UploadRequests.Png(3000).Reverse().ToArray(), "image/png");

        ProblemAssert.Is(again, HttpStatusCode.Conflict, "invalid-state");
        Assert.Equal("VALID", await UploadStatusSignal.VerdictAsync(cluster.Database, id, s_verdictWait));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Assert.Single(cluster.BlobsOf(id))));
    }

    [Fact]
    public async Task Asking_for_a_link_without_a_token_is_401_and_creates_nothing()
    {
        var before = await cluster.Database.ScalarAsync("SELECT count(*) FROM uploads");

        var reply = await cluster.Client(null).PostJsonAsync("/api/v1/uploads", Json.Of(new { file_name = "x.png", content_type = "image/png", size = 10 }), Api.NewKey());

        ProblemAssert.Is(reply, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(before, await cluster.Database.ScalarAsync("SELECT count(*) FROM uploads"));
    }

    [Fact]
    public async Task A_customer_reads_their_own_upload_another_customer_gets_404_and_an_admin_reads_any()
    {
        var owner = cluster.Client(Tokens.Customer("upload-judy"));
        var (_, id, _) = await owner.CreateAsync("mine.pdf", "application/pdf", 100);

        Assert.Equal(HttpStatusCode.OK, (await owner.GetJsonAsync($"/api/v1/uploads/{id}")).Status);
        ProblemAssert.Is(await cluster.Client(Tokens.Customer("upload-kim")).GetJsonAsync($"/api/v1/uploads/{id}"), HttpStatusCode.NotFound, "not-found");
        var admin = await cluster.Client(Tokens.For("upload-admin", "admin")).GetJsonAsync($"/api/v1/uploads/{id}");
        Assert.Equal(HttpStatusCode.OK, admin.Status);
        Assert.Equal("PENDING_UPLOAD", admin.Field("status").GetValue<string>());
    }

    [Theory]
    [InlineData("""{"file_name":"../etc/passwd","content_type":"image/png","size":10}""", "file_name")]
    [InlineData("""{"file_name":"a\\b.png","content_type":"image/png","size":10}""", "file_name")]
    [InlineData("""{"file_name":"","content_type":"image/png","size":10}""", "file_name")]
    [InlineData("""{"file_name":"a.txt","content_type":"text/plain","size":10}""", "content_type")]
    [InlineData("""{"file_name":"a.png","content_type":"image/png","size":0}""", "size")]
    [InlineData("""{"file_name":"a.png","content_type":"image/png","size":4194305}""", "size")]
    [InlineData("""{"file_name":"a.png","content_type":"image/png"}""", "size")]
    [InlineData("""{"file_name":"a.png","content_type":"image/png","size":10,"status":"VALID"}""", "status")]
    public async Task A_bad_declaration_is_400_naming_the_field_and_creates_nothing(string body, string field)
    {
        var before = await cluster.Database.ScalarAsync("SELECT count(*) FROM uploads");

        var reply = await cluster.Client(Tokens.Customer("upload-lee")).PostJsonAsync("/api/v1/uploads", body, Api.NewKey());

        ProblemAssert.Is(reply, HttpStatusCode.BadRequest, "validation-failed");
        Assert.NotNull(reply.Json!["errors"]![field]);
        Assert.Equal(before, await cluster.Database.ScalarAsync("SELECT count(*) FROM uploads"));
    }

    [Fact]
    public async Task A_retry_under_the_same_key_answers_the_same_upload_and_link_and_another_file_under_it_is_422()
    {
        var client = cluster.Client(Tokens.Customer("upload-max"));
        var key = Api.NewKey();
        var (first, id, url) = await client.CreateAsync("r.png", "image/png", 500, key);

        var (retry, retryId, retryUrl) = await client.CreateAsync("r.png", "image/png", 500, key);
        var other = await client.PostJsonAsync("/api/v1/uploads", Json.Of(new { file_name = "r.png", content_type = "image/png", size = 501 }), key);

        Assert.Equal((id, url, first.Field("expires_at").ToJsonString()), (retryId, retryUrl, retry.Field("expires_at").ToJsonString()));
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
        ProblemAssert.Is(other, HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Equal(1, await cluster.Database.ScalarAsync("SELECT count(*) FROM uploads WHERE owner_id = 'upload-max'"));
    }
}
