using System.Net;
using System.Text;
using BlobStorage;
using Grains.Exports;
using Microsoft.Extensions.DependencyInjection;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>Case C5 over HTTP: who may export, what a request must look like, and a job from 202 to its file.</summary>
[Collection(ApiCollection.Name)]
public sealed class ExportTests(ApiCluster api)
{
    private const string Path = "/api/v1/exports/orders";

    private Task<long> JobsStoredAsync() => api.ScalarAsync("SELECT count(*) FROM orleans_storage WHERE grain_type = 'exportJob'");

    [Fact]
    public async Task Only_a_caller_with_report_export_may_start_one()
    {
        var before = await JobsStoredAsync();
        using var anonymous = api.A.ClientFor(null);
        using var customer = api.A.ClientFor(Tokens.Customer(Seed.UniqueId("exporter")));
        using var staff = api.A.ClientFor(Seed.Staff);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostJsonAsync(Path, "{}", Api.NewKey())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.PostJsonAsync(Path, "{}", Api.NewKey())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostJsonAsync(Path, "{}", Api.NewKey())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await customer.GetJsonAsync("/api/v1/exports/exp_0")).Status);
        Assert.Equal(before, await JobsStoredAsync());
    }

    [Theory]
    [InlineData("""{"status":"SHIPPED"}""", "status")]
    [InlineData("""{"created_from":"yesterday"}""", "created_from")]
    [InlineData("""{"created_to":"2026-01-01T00:00:00"}""", "created_to")]
    [InlineData("""{"created_from":"2026-02-01T00:00:00Z","created_to":"2026-01-01T00:00:00Z"}""", "created_to")]
    [InlineData("""{"customer_id":"no spaces please"}""", "customer_id")]
    [InlineData("""{"format":"xlsx"}""", "format")]
    [InlineData("""{"status":1}""", "status")]
    public async Task A_filter_the_order_list_refuses_is_a_400_naming_the_field_and_starts_nothing(string body, string field)
    {
        var before = await JobsStoredAsync();
        using var manager = api.A.ClientFor(Seed.Manager);

        var reply = await manager.PostJsonAsync(Path, body, Api.NewKey());

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("https://errors.example/validation-failed", reply.ProblemType);
        Assert.NotNull(reply.Json!["errors"]![field]);
        Assert.Equal(before, await JobsStoredAsync());
    }

    [Fact]
    public async Task A_request_without_an_idempotency_key_is_a_400_and_starts_nothing()
    {
        var before = await JobsStoredAsync();
        using var manager = api.A.ClientFor(Seed.Manager);

        var reply = await manager.PostJsonAsync(Path, "{}");

        Assert.Equal((HttpStatusCode.BadRequest, "https://errors.example/idempotency-key-missing"), (reply.Status, reply.ProblemType));
        Assert.Equal(before, await JobsStoredAsync());
    }

    [Fact]
    public async Task A_job_answers_202_pending_then_completes_with_a_download_link_to_exactly_its_orders()
    {
        var product = await Seed.ProductAsync(api.A, stock: 100);
        var customer = Seed.UniqueId("exported");
        var orders = new List<string>();
        using (var buyer = api.A.ClientFor(Tokens.Customer(customer)))
        {
            for (var i = 0; i < 5; i++)
            {
                var placed = await buyer.PostJsonAsync("/api/v1/orders", Seed.OrderBody(product), Api.NewKey());
                Assert.Equal(HttpStatusCode.Created, placed.Status);
                orders.Add(placed.Json!["id"]!.GetValue<string>());
            }
        }

        using var manager = api.A.ClientFor(Tokens.For(Seed.UniqueId("manager"), "manager"));
        var key = Api.NewKey();
        var body = Json.Of(new { customer_id = customer, status = "PENDING_PAYMENT" });
        var started = await manager.PostJsonAsync(Path, body, key);

        Assert.Equal(HttpStatusCode.Accepted, started.Status);
        var id = started.Json!["id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/exports/{id}", started.Header("Location"));
        Assert.Equal("PENDING", started.Json["status"]!.GetValue<string>());
        Assert.Equal(customer, started.Json["filter"]!["customer_id"]!.GetValue<string>());

        await api.ExportsCompleted.Completed(id);
        var job = await manager.GetJsonAsync($"/api/v1/exports/{id}");
        Assert.Equal(HttpStatusCode.OK, job.Status);
        Assert.Equal(("COMPLETED", 5L, 5L, 1.0), (job.Json!["status"]!.GetValue<string>(), job.Json["rows_done"]!.GetValue<long>(),
            job.Json["rows_total"]!.GetValue<long>(), job.Json["progress"]!.GetValue<double>()));
        var link = job.Json["download_url"]!.GetValue<string>();
        Assert.StartsWith($"/api/v1/blobs/exports/{id}.csv?", link, StringComparison.Ordinal);
        Assert.InRange(job.Json["download_expires_at"]!.GetValue<DateTime>(), DateTime.UtcNow, DateTime.UtcNow.AddHours(1));
        Assert.Null(job.Json["error"]);

        var blobs = api.A.Services.GetRequiredService<IBlobStore>();
        await using var file = await blobs.OpenReadAsync(ExportFiles.Key(id), CancellationToken.None);
        var lines = (await new StreamReader(file, Encoding.UTF8).ReadToEndAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,customer_id,customer_name,status,total,currency,item_count,created_at", lines[0]);
        Assert.Equal(orders.Order(StringComparer.Ordinal), lines.Skip(1).Select(l => l.Split(',')[0]).Order(StringComparer.Ordinal));
        Assert.All(lines.Skip(1), l => Assert.Equal(customer, l.Split(',')[1]));

        // The same key again: the same job; with other filters: refused.
        var replay = await manager.PostJsonAsync(Path, body, key);
        Assert.Equal((HttpStatusCode.Accepted, id, "true"), (replay.Status, replay.Json!["id"]!.GetValue<string>(), replay.Header("Idempotent-Replayed")));
        var reused = await manager.PostJsonAsync(Path, Json.Of(new { customer_id = customer }), key);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "https://errors.example/idempotency-key-reused"), (reused.Status, reused.ProblemType));

        // Another manager does not see it; an admin does; an ended job cannot be cancelled.
        using var otherManager = api.B.ClientFor(Tokens.For(Seed.UniqueId("manager"), "manager"));
        Assert.Equal(HttpStatusCode.NotFound, (await otherManager.GetJsonAsync($"/api/v1/exports/{id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await otherManager.SendAsync(HttpMethod.Post, $"/api/v1/exports/{id}/cancel")).Status);
        using var admin = api.B.ClientFor(Seed.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetJsonAsync($"/api/v1/exports/{id}")).Status);
        var cancel = await manager.SendAsync(HttpMethod.Post, $"/api/v1/exports/{id}/cancel");
        Assert.Equal((HttpStatusCode.Conflict, "https://errors.example/invalid-state"), (cancel.Status, cancel.ProblemType));
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetJsonAsync("/api/v1/exports/exp_missing")).Status);
    }
}
