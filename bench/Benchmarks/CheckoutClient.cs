using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Benchmarks;

/// <summary>One customer's checkout through the API and the simulator, with the time of each step.</summary>
internal sealed class CheckoutClient(HttpClient http, IReadOnlyList<Uri> frontends, Uri gateway, IReadOnlyList<string> productIds)
{
    public async Task CheckTokenAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(frontends[0], "/api/v1/orders?limit=1"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"A customer token signed by the benchmark was refused: GET /api/v1/orders answered "
                + $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Only places an order (the placement phase): 201, or what went wrong.</summary>
    public async Task<Placement> PlaceOnlyAsync(int index, string token)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var (status, body) = await PlaceAsync(frontends[index % frontends.Count], productIds[index % productIds.Count], token);
            return new Placement(status == HttpStatusCode.Created, CheckoutBenchmark.Ms(started), status == HttpStatusCode.Created ? null : $"{(int)status}: {CheckoutBenchmark.Short(body)}");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return new Placement(false, CheckoutBenchmark.Ms(started), $"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private async Task<(HttpStatusCode Status, string Body)> PlaceAsync(Uri frontend, string productId, string token)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri(frontend, "/api/v1/orders"));
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        create.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        create.Content = JsonContent.Create(new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["product_id"] = productId, ["quantity"] = 1 }),
        });
        using var response = await http.SendAsync(create);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<Checkout> CheckOutAsync(int index, string customer, string token)
    {
        var frontend = frontends[index % frontends.Count];
        var productId = productIds[index % productIds.Count];
        var started = Stopwatch.GetTimestamp();
        string? orderId = null, paymentId = null;
        double? createMs = null, payPageMs = null, completeMs = null;
        try
        {
            // 1. Place the order.
            var (placedStatus, placed) = await PlaceAsync(frontend, productId, token);
            createMs = CheckoutBenchmark.Ms(started);
            if (placedStatus != HttpStatusCode.Created)
            {
                return Checkout.Failed(index, customer, "create", $"POST /api/v1/orders answered {(int)placedStatus}: {CheckoutBenchmark.Short(placed)}", null, createMs);
            }

            var order = JsonNode.Parse(placed)!;
            orderId = order["id"]!.GetValue<string>();
            paymentId = order["payment"]?["id"]?.GetValue<string>();
            var payUrl = order["payment"]?["pay_url"]?.GetValue<string>();
            if (paymentId is null || payUrl is null)
            {
                return Checkout.Failed(index, customer, "create", $"201 without payment.id / payment.pay_url: {CheckoutBenchmark.Short(placed)}", orderId, createMs);
            }

            // 2. The customer opens the pay URL: the simulator checks its signature and registers the transaction.
            var step = Stopwatch.GetTimestamp();
            using (var payPage = await http.GetAsync(new Uri(payUrl)))
            {
                var html = await payPage.Content.ReadAsStringAsync();
                payPageMs = CheckoutBenchmark.Ms(step);
                if (payPage.StatusCode != HttpStatusCode.OK)
                {
                    return Checkout.Failed(index, customer, "pay-page", $"GET pay_url answered {(int)payPage.StatusCode}: {CheckoutBenchmark.Short(html)}", orderId, createMs, payPageMs,
                        paymentId: paymentId);
                }
            }

            // 3. The customer pays: the simulator records the success and queues the IPN.
            step = Stopwatch.GetTimestamp();
            using (var complete = await http.PostAsJsonAsync(new Uri(gateway, $"/_sim/transactions/{Uri.EscapeDataString(paymentId)}/complete"),
                new JsonObject { ["outcome"] = "success" }))
            {
                var text = await complete.Content.ReadAsStringAsync();
                completeMs = CheckoutBenchmark.Ms(step);
                if (complete.StatusCode != HttpStatusCode.OK)
                {
                    return Checkout.Failed(index, customer, "complete", $"POST /_sim/.../complete answered {(int)complete.StatusCode}: {CheckoutBenchmark.Short(text)}",
                        orderId, createMs, payPageMs, completeMs, paymentId);
                }
            }

            // 4. Poll the order until it is PAID (or the deadline passes).
            var completedAt = Stopwatch.GetTimestamp();
            var completedAtUtc = DateTimeOffset.UtcNow;
            var polls = 0;
            var last = "";
            while (Stopwatch.GetElapsedTime(started) < CheckoutBenchmark.OrderDeadline)
            {
                using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri(frontend, $"/api/v1/orders/{orderId}"));
                poll.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                polls++;
                try
                {
                    using var response = await http.SendAsync(poll);
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var status = JsonNode.Parse(body)!["status"]!.GetValue<string>();
                        if (status == "PAID")
                        {
                            return new Checkout(index, customer, orderId, paymentId, true, null, null, createMs, payPageMs, completeMs, CheckoutBenchmark.Ms(completedAt),
                                CheckoutBenchmark.Ms(started), polls, status) { CompletedAt = completedAtUtc };
                        }

                        last = status;
                    }
                    else
                    {
                        last = $"HTTP {(int)response.StatusCode}: {CheckoutBenchmark.Short(body)}";
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    // One failed poll is not a lost order: the deadline decides.
                    last = $"{exception.GetType().Name}: {exception.Message}";
                }

                await Task.Delay(CheckoutBenchmark.PollInterval);
            }

            return new Checkout(index, customer, orderId, paymentId, false, "wait-paid", $"not PAID after {CheckoutBenchmark.OrderDeadline.TotalSeconds:0} s; last answer: {last}",
                createMs, payPageMs, completeMs, null, null, polls, last) { CompletedAt = completedAtUtc };
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
        {
            var stage = createMs is null ? "create" : payPageMs is null ? "pay-page" : completeMs is null ? "complete" : "wait-paid";
            return Checkout.Failed(index, customer, stage, $"{exception.GetType().Name}: {exception.Message}", orderId, createMs, payPageMs, completeMs, paymentId);
        }
    }
}

/// <summary>One order placed (201) or not, and the POST's time in ms.</summary>
internal sealed record Placement(bool Created, double Ms, string? Error);

/// <summary>One customer's checkout: whether it was PAID in time, or where it stopped and why; times in ms.</summary>
internal sealed record Checkout(
    int Index, string Customer, string? OrderId, string? PaymentId, bool Paid, string? FailedStage, string? Error,
    double? CreateMs, double? PayPageMs, double? CompleteMs, double? WaitPaidMs, double? TotalMs, int Polls, string? LastStatus)
{
    /// <summary>Wall-clock time the simulator accepted the completion, to compare with its IPN log's times.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    public static Checkout Failed(int index, string customer, string stage, string error, string? orderId,
        double? createMs, double? payPageMs = null, double? completeMs = null, string? paymentId = null)
        => new(index, customer, orderId, paymentId, false, stage, error, createMs, payPageMs, completeMs, null, null, 0, null);
}
