using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests;

/// <summary>One simulator process shared by the tests of <see cref="GatewaySimulatorTests"/>; IPN retries every 100 ms.</summary>
public sealed class GatewaySimulatorFixture : IAsyncLifetime
{
    public GatewaySimulator Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
        => Gateway = await GatewaySimulator.StartAsync("TESTSHOP1", "test-secret-for-the-simulator-0123456789", TimeSpan.FromMilliseconds(100));

    public async Task DisposeAsync() => await Gateway.DisposeAsync();
}

/// <summary>
/// The VNPay simulator checked against VNPay's documented protocol: every message it accepts or sends is signed or
/// verified with <see cref="ReferenceVnPayChecksum"/>, never with the production signature code. Tests share one
/// simulator, so each uses its own transaction references and its own IPN receiver, and faults are cleared around each.
/// </summary>
public sealed class GatewaySimulatorTests(GatewaySimulatorFixture fixture) : IClassFixture<GatewaySimulatorFixture>, IAsyncLifetime
{
    private const string ReturnUrl = "https://shop.example/payments/return?from=vnpay";
    private const string ShopperIp = "203.0.113.7";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan s_timerSlack = TimeSpan.FromMilliseconds(50);

    private GatewaySimulator Gateway => fixture.Gateway;

    public Task InitializeAsync() => Gateway.ResetFaultsAsync();

    public Task DisposeAsync() => Gateway.ResetFaultsAsync();

    // ---- pay page ----

    [Fact]
    public async Task Pay_page_accepts_a_url_signed_as_documented_and_refuses_a_tampered_one()
    {
        var tampered = PayParameters(NewTxnRef());
        var tamperedUrl = SignedPayUrl(tampered).Replace("vnp_Amount=12500000", "vnp_Amount=100", StringComparison.Ordinal);
        Assert.Contains("vnp_Amount=100&", tamperedUrl, StringComparison.Ordinal);
        var refused = await GetAsync(tamperedUrl);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("97", ErrorCode(refused.Body));
        Assert.Null(await Gateway.GetTransactionAsync(tampered["vnp_TxnRef"]));

        var parameters = PayParameters(NewTxnRef(), orderInfo: "Don hang <b>X</b> & Phở");
        var html = await Gateway.OpenPayPageAsync(SignedPayUrl(parameters));
        Assert.Contains("125,000 VND", html, StringComparison.Ordinal);
        Assert.Contains(Gateway.TmnCode, html, StringComparison.Ordinal);
        Assert.Contains($"name=\"txn_ref\" value=\"{parameters["vnp_TxnRef"]}\"", html, StringComparison.Ordinal);
        Assert.Contains("Don hang &lt;b&gt;X&lt;/b&gt; &amp; Phở", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>X</b>", html, StringComparison.Ordinal);

        var registered = await Gateway.GetTransactionAsync(parameters["vnp_TxnRef"]);
        Assert.Equal(("pending", "01", 125_000L), (registered!.Status, registered.TransactionStatus, registered.Amount));

        // PHP's urlencode escapes ! * ( ), which .NET's encoder leaves alone: signed the documented way, still accepted.
        await Gateway.OpenPayPageAsync(SignedPayUrl(PayParameters(NewTxnRef(), orderInfo: "Order (1)! *")));
    }

    [Fact]
    public async Task Pay_page_refuses_missing_or_malformed_fields_with_code_03()
    {
        var withoutIp = PayParameters(NewTxnRef());
        withoutIp.Remove("vnp_IpAddr");
        var odd = PayParameters(NewTxnRef());
        odd["vnp_Amount"] = "12345";
        var otherMerchant = PayParameters(NewTxnRef());
        otherMerchant["vnp_TmnCode"] = "OTHERSHOP";

        foreach (var (parameters, field) in new[] { (withoutIp, "vnp_IpAddr"), (odd, "vnp_Amount"), (otherMerchant, "vnp_TmnCode") })
        {
            var refused = await GetAsync(SignedPayUrl(parameters));
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal("03", ErrorCode(refused.Body));
            Assert.Contains(field, refused.Body, StringComparison.Ordinal);
            Assert.Null(await Gateway.GetTransactionAsync(parameters["vnp_TxnRef"]));
        }
    }

    [Fact]
    public async Task Pay_page_refuses_an_expired_link_with_code_11()
    {
        var parameters = PayParameters(NewTxnRef(), expiresIn: TimeSpan.FromMinutes(-1));

        var refused = await GetAsync(SignedPayUrl(parameters));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("11", ErrorCode(refused.Body));
        Assert.Null(await Gateway.GetTransactionAsync(parameters["vnp_TxnRef"]));
    }

    [Fact]
    public async Task Pay_page_shows_a_known_reference_again_but_refuses_it_for_another_amount()
    {
        var txnRef = NewTxnRef();
        var first = await Gateway.OpenPayPageAsync(SignedPayUrl(PayParameters(txnRef, amount: 125_000)));

        var again = await Gateway.OpenPayPageAsync(SignedPayUrl(PayParameters(txnRef, amount: 125_000)));
        var otherAmount = await GetAsync(SignedPayUrl(PayParameters(txnRef, amount: 99_000)));

        Assert.Equal(first, again);
        Assert.Equal(HttpStatusCode.BadRequest, otherAmount.Status);
        Assert.Contains("already registered", otherAmount.Body, StringComparison.Ordinal);
        Assert.Equal(125_000, (await Gateway.GetTransactionAsync(txnRef))!.Amount);
    }

    [Fact]
    public async Task Pay_button_redirects_to_the_return_url_with_the_result_signed_as_documented()
    {
        var parameters = await RegisterAsync();
        var txnRef = parameters["vnp_TxnRef"];

        using var response = await Gateway.Http.PostAsync(new Uri("/paymentv2/complete", UriKind.Relative),
            new FormUrlEncodedContent([new("txn_ref", txnRef), new("outcome", "success")]));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(ReturnUrl + "&", location, StringComparison.Ordinal);
        var result = ReferenceVnPayChecksum.ParseQueryString(location[(ReturnUrl.Length + 1)..]);
        AssertSignedAsDocumented(result);
        var fields = result.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(("00", "00", "12500000", txnRef), (fields["vnp_ResponseCode"], fields["vnp_TransactionStatus"], fields["vnp_Amount"], fields["vnp_TxnRef"]));
        Assert.Equal(parameters["vnp_OrderInfo"], fields["vnp_OrderInfo"]);

        using var twice = await Gateway.Http.PostAsync(new Uri("/paymentv2/complete", UriKind.Relative),
            new FormUrlEncodedContent([new("txn_ref", txnRef), new("outcome", "failure")]));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    // ---- completion and querydr ----

    [Fact]
    public async Task Completed_payment_is_queried_as_00_with_status_00_and_the_response_is_signed_as_documented()
    {
        var parameters = await RegisterAsync();
        var txnRef = parameters["vnp_TxnRef"];

        var completed = await Gateway.CompleteAsync(txnRef, success: true);
        var answer = await QueryAsync(SignedQuery(txnRef, parameters["vnp_CreateDate"]));

        Assert.Equal(("success", "00", "00"), (completed.Status, completed.ResponseCode, completed.TransactionStatus));
        Assert.Matches("^[0-9]{8}$", completed.TransactionNo);
        Assert.Equal(ReferenceVnPayChecksum.QueryResponseHash(Gateway.HashSecret, name => Text(answer, name)), Text(answer, "vnp_SecureHash"), ignoreCase: true);
        Assert.Equal("00", Text(answer, "vnp_ResponseCode"));
        Assert.Equal("00", Text(answer, "vnp_TransactionStatus"));
        Assert.Equal(completed.TransactionNo, Text(answer, "vnp_TransactionNo"));
        Assert.Equal(completed.PayDate, Text(answer, "vnp_PayDate"));
        Assert.Equal(("12500000", txnRef, "querydr", "01"), (Text(answer, "vnp_Amount"), Text(answer, "vnp_TxnRef"), Text(answer, "vnp_Command"), Text(answer, "vnp_TransactionType")));
    }

    [Fact]
    public async Task Pending_payment_is_queried_with_status_01_and_no_transaction_number()
    {
        var parameters = await RegisterAsync();

        var answer = await QueryAsync(SignedQuery(parameters["vnp_TxnRef"], parameters["vnp_CreateDate"]));

        Assert.Equal(("00", "01", ""), (Text(answer, "vnp_ResponseCode"), Text(answer, "vnp_TransactionStatus"), Text(answer, "vnp_TransactionNo")));
    }

    [Fact]
    public async Task Query_for_an_unknown_reference_or_another_date_answers_91()
    {
        var parameters = await RegisterAsync();

        var unknown = await QueryAsync(SignedQuery(NewTxnRef(), parameters["vnp_CreateDate"]));
        var otherDate = await QueryAsync(SignedQuery(parameters["vnp_TxnRef"], VnPayTime(DateTimeOffset.UtcNow.AddDays(-1))));

        Assert.Equal("91", Text(unknown, "vnp_ResponseCode"));
        Assert.Equal("91", Text(otherDate, "vnp_ResponseCode"));
    }

    [Fact]
    public async Task Query_with_a_bad_checksum_answers_97()
    {
        var parameters = await RegisterAsync();

        var answer = await QueryAsync(SignedQuery(parameters["vnp_TxnRef"], parameters["vnp_CreateDate"], secret: "not-the-merchant-secret"));

        Assert.Equal("97", Text(answer, "vnp_ResponseCode"));
        Assert.Equal(parameters["vnp_TxnRef"], Text(answer, "vnp_TxnRef"));
    }

    [Fact]
    public async Task Query_reusing_a_request_id_answers_94()
    {
        var parameters = await RegisterAsync();
        var requestId = Guid.NewGuid().ToString("N");

        var first = await QueryAsync(SignedQuery(parameters["vnp_TxnRef"], parameters["vnp_CreateDate"], requestId));
        var second = await QueryAsync(SignedQuery(parameters["vnp_TxnRef"], parameters["vnp_CreateDate"], requestId));

        Assert.Equal(("00", "94"), (Text(first, "vnp_ResponseCode"), Text(second, "vnp_ResponseCode")));
    }

    [Fact]
    public async Task Query_that_is_malformed_answers_03_and_one_for_another_merchant_answers_02()
    {
        var parameters = await RegisterAsync();
        var malformed = UnsignedQuery(parameters["vnp_TxnRef"], parameters["vnp_CreateDate"]);
        malformed.Remove("vnp_IpAddr");
        var otherMerchant = UnsignedQuery(parameters["vnp_TxnRef"], parameters["vnp_CreateDate"]);
        otherMerchant["vnp_TmnCode"] = "OTHERSHOP";

        var malformedAnswer = await QueryAsync(Sign(malformed, Gateway.HashSecret));
        var otherMerchantAnswer = await QueryAsync(Sign(otherMerchant, Gateway.HashSecret));

        Assert.Equal("03", Text(malformedAnswer, "vnp_ResponseCode"));
        Assert.Equal("02", Text(otherMerchantAnswer, "vnp_ResponseCode"));
    }

    [Fact]
    public async Task Completing_an_unknown_or_completed_transaction_is_refused()
    {
        var txnRef = (await RegisterAsync())["vnp_TxnRef"];
        await Gateway.CompleteAsync(txnRef, success: false);

        using var unknown = await PostJsonAsync($"/_sim/transactions/{NewTxnRef()}/complete", """{"outcome":"success"}""");
        using var again = await PostJsonAsync($"/_sim/transactions/{txnRef}/complete", """{"outcome":"success"}""");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var unchanged = (await Gateway.GetTransactionAsync(txnRef))!;
        Assert.Equal(("failed", "24", "02"), (unchanged.Status, unchanged.ResponseCode, unchanged.TransactionStatus));
    }

    // ---- IPN ----

    [Fact]
    public async Task Ipn_is_retried_until_the_merchant_confirms_and_is_signed_as_documented()
    {
        await using var merchant = await IpnReceiver.StartAsync((_, arrival) => arrival <= 2 ? "99" : "00");
        await Gateway.SetIpnUrlAsync(merchant.Url);
        var txnRef = (await RegisterAsync())["vnp_TxnRef"];

        var completed = await Gateway.CompleteAsync(txnRef, success: true);
        var arrivals = new List<ReceivedIpn>();
        for (var i = 0; i < 3; i++)
        {
            arrivals.Add(await merchant.NextAsync(ipn => ipn.TxnRef == txnRef, s_wait));
        }

        var log = await Gateway.WaitForIpnLogAsync(txnRef, entries => entries.Any(e => e.Outcome == "confirmed"));
        Assert.Equal(["retrying", "retrying", "confirmed"], log.Select(e => e.Outcome));
        Assert.Equal(["99", "99", "00"], log.Select(e => e.RspCode));
        Assert.Equal([1, 2, 3], log.Select(e => e.Attempt));
        Assert.Equal(3, merchant.Count(txnRef));
        foreach (var arrival in arrivals)
        {
            AssertSignedAsDocumented(arrival.Parameters);
            Assert.Equal(
                ["vnp_Amount", "vnp_BankCode", "vnp_BankTranNo", "vnp_CardType", "vnp_OrderInfo", "vnp_PayDate", "vnp_ResponseCode", "vnp_SecureHash", "vnp_TmnCode",
                    "vnp_TransactionNo", "vnp_TransactionStatus", "vnp_TxnRef"],
                arrival.Parameters.Select(p => p.Key).Order(StringComparer.Ordinal));
            Assert.Equal(completed.TransactionNo, arrival["vnp_TransactionNo"]);
            Assert.Equal(("00", "00", "NCB", "VNP" + completed.TransactionNo), (arrival["vnp_ResponseCode"], arrival["vnp_TransactionStatus"], arrival["vnp_BankCode"],
                arrival["vnp_BankTranNo"]));
        }
    }

    [Fact]
    public async Task Ipn_answered_already_confirmed_is_not_retried()
    {
        await using var merchant = await IpnReceiver.StartAsync((_, _) => "02");
        await Gateway.SetIpnUrlAsync(merchant.Url);
        var txnRef = (await RegisterAsync())["vnp_TxnRef"];

        await Gateway.CompleteAsync(txnRef, success: false, responseCode: "51");
        var ipn = await merchant.NextAsync(i => i.TxnRef == txnRef, s_wait);

        var log = await Gateway.WaitForIpnLogAsync(txnRef, entries => entries.Count > 0);
        Assert.Equal(("51", "02"), (ipn["vnp_ResponseCode"], ipn["vnp_TransactionStatus"]));
        Assert.Equal(("confirmed", "02", 200), (log.Single().Outcome, log.Single().RspCode, log.Single().HttpStatus));
        Assert.Equal(1, merchant.Count(txnRef));
    }

    [Fact]
    public async Task Ipn_gives_up_after_the_configured_retries()
    {
        await using var merchant = await IpnReceiver.StartAsync((_, _) => "99");
        await Gateway.SetIpnUrlAsync(merchant.Url);
        var txnRef = (await RegisterAsync())["vnp_TxnRef"];

        await Gateway.CompleteAsync(txnRef, success: true);

        // The default Ipn:MaxRetries is 10: one attempt and ten retries.
        var log = await Gateway.WaitForIpnLogAsync(txnRef, entries => entries.Any(e => e.Outcome == "gave_up"));
        Assert.Equal(11, log.Count);
        Assert.Equal(Enumerable.Repeat("retrying", 10).Append("gave_up"), log.Select(e => e.Outcome));
        Assert.Equal(11, merchant.Count(txnRef));
    }

    [Fact]
    public async Task Ipn_without_an_ipn_url_is_recorded_as_failed()
    {
        await Gateway.SetIpnUrlAsync(null);
        var txnRef = (await RegisterAsync())["vnp_TxnRef"];

        await Gateway.CompleteAsync(txnRef, success: true);

        var entry = (await Gateway.WaitForIpnLogAsync(txnRef, entries => entries.Count > 0)).Single();
        Assert.Equal(("gave_up", null, null), (entry.Outcome, entry.Url, entry.HttpStatus));
        Assert.Contains("no IPN URL", entry.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dropped_ipn_is_never_sent()
    {
        await using var merchant = await IpnReceiver.StartAsync((_, _) => "00");
        await Gateway.SetIpnUrlAsync(merchant.Url);
        var dropped = (await RegisterAsync())["vnp_TxnRef"];
        var later = (await RegisterAsync())["vnp_TxnRef"];

        await Gateway.SetIpnFaultsAsync(drop: true);
        await Gateway.CompleteAsync(dropped, success: true);
        var log = await Gateway.WaitForIpnLogAsync(dropped, entries => entries.Count > 0);
        await Gateway.ResetFaultsAsync();
        await Gateway.CompleteAsync(later, success: true);

        // Notifications are dispatched in order, so once the later one has arrived the dropped one had its chance.
        var first = await merchant.NextAsync(ipn => ipn.TxnRef == dropped || ipn.TxnRef == later, s_wait);
        Assert.Equal(later, first.TxnRef);
        Assert.Equal(0, merchant.Count(dropped));
        Assert.Equal("dropped", log.Single().Outcome);
    }

    [Fact]
    public async Task Ipn_copies_are_each_delivered()
    {
        await using var merchant = await IpnReceiver.StartAsync((_, _) => "00");
        await Gateway.SetIpnUrlAsync(merchant.Url);
        var txnRef = (await RegisterAsync())["vnp_TxnRef"];

        await Gateway.SetIpnFaultsAsync(copies: 5);
        await Gateway.CompleteAsync(txnRef, success: true);
        for (var i = 0; i < 5; i++)
        {
            await merchant.NextAsync(ipn => ipn.TxnRef == txnRef, s_wait);
        }

        var log = await Gateway.WaitForIpnLogAsync(txnRef, entries => entries.Count(e => e.Outcome == "confirmed") == 5);
        Assert.Equal([1, 2, 3, 4, 5], log.Select(e => e.Copy).Order());
        Assert.Equal(5, merchant.Count(txnRef));
    }

    [Fact]
    public async Task Ipn_reorder_window_delivers_the_second_completed_first()
    {
        await using var merchant = await IpnReceiver.StartAsync((_, _) => "00");
        await Gateway.SetIpnUrlAsync(merchant.Url);
        var earlier = (await RegisterAsync())["vnp_TxnRef"];
        var later = (await RegisterAsync())["vnp_TxnRef"];

        await Gateway.SetIpnFaultsAsync(reorderWindow: 2);
        await Gateway.CompleteAsync(earlier, success: true);
        await Gateway.CompleteAsync(later, success: true);

        var first = await merchant.NextAsync(ipn => ipn.TxnRef == earlier || ipn.TxnRef == later, s_wait);
        var second = await merchant.NextAsync(ipn => ipn.TxnRef == earlier || ipn.TxnRef == later, s_wait);
        Assert.Equal((later, earlier), (first.TxnRef, second.TxnRef));
    }

    [Fact]
    public async Task Ipn_delay_holds_back_the_first_attempt()
    {
        await using var merchant = await IpnReceiver.StartAsync((_, _) => "00");
        await Gateway.SetIpnUrlAsync(merchant.Url);
        var txnRef = (await RegisterAsync())["vnp_TxnRef"];

        await Gateway.SetIpnFaultsAsync(delayMs: 500);
        var clock = Stopwatch.StartNew();
        await Gateway.CompleteAsync(txnRef, success: true);
        await merchant.NextAsync(ipn => ipn.TxnRef == txnRef, s_wait);

        // Undelayed, an IPN arrives within milliseconds; timers may fire a little early, hence the slack.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(500) - s_timerSlack, $"The IPN came after {clock.Elapsed}.");
    }

    // ---- querydr faults ----

    [Fact]
    public async Task Status_api_down_drops_the_connection()
    {
        var parameters = await RegisterAsync();
        var before = await Gateway.StatsAsync();

        await Gateway.SetStatusFaultsAsync(down: true);

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => PostJsonAsync(Gateway.ApiUrl, SignedQuery(parameters["vnp_TxnRef"], parameters["vnp_CreateDate"]).ToJsonString()));
        var after = await Gateway.StatsAsync();
        Assert.True(after.QueryFailuresInjected > before.QueryFailuresInjected);
    }

    [Fact]
    public async Task Status_api_error_rate_one_answers_500_or_a_signed_99_as_asked()
    {
        var parameters = await RegisterAsync();
        var before = await Gateway.StatsAsync();

        await Gateway.SetStatusFaultsAsync(errorRate: 1, errorMode: "http500");
        using var http500 = await PostJsonAsync(Gateway.ApiUrl, SignedQuery(parameters["vnp_TxnRef"], parameters["vnp_CreateDate"]).ToJsonString());
        await Gateway.SetStatusFaultsAsync(errorRate: 1, errorMode: "code99");
        var code99 = await QueryAsync(SignedQuery(parameters["vnp_TxnRef"], parameters["vnp_CreateDate"]));

        Assert.Equal(HttpStatusCode.InternalServerError, http500.StatusCode);
        Assert.Equal("99", Text(code99, "vnp_ResponseCode"));
        var after = await Gateway.StatsAsync();
        Assert.Equal((2, 2), (after.QueryRequests - before.QueryRequests, after.QueryFailuresInjected - before.QueryFailuresInjected));
    }

    [Fact]
    public async Task Status_api_latency_delays_the_answer()
    {
        var parameters = await RegisterAsync();
        await Gateway.SetStatusFaultsAsync(latencyMs: 500);

        var clock = Stopwatch.StartNew();
        var answer = await QueryAsync(SignedQuery(parameters["vnp_TxnRef"], parameters["vnp_CreateDate"]));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(500) - s_timerSlack, $"Answered after {clock.Elapsed}.");
        Assert.Equal("00", Text(answer, "vnp_ResponseCode"));
    }

    [Fact]
    public async Task Admin_api_refuses_bad_input_with_problem_details()
    {
        string[] bodies = ["""{"copies":0}""", """{"delay_ms":-1}""", """{"drop":true,"unknown":1}""", """{"copies":"five"}""", "not json"];
        foreach (var body in bodies)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/_sim/faults/ipn", UriKind.Relative))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            using var response = await Gateway.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body} → {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var badRate = await PutJsonAsync("/_sim/faults/status", """{"error_rate":1.5}""");
        using var badMode = await PutJsonAsync("/_sim/faults/status", """{"error_mode":"teapot"}""");
        using var badUrl = await PutJsonAsync("/_sim/merchant", """{"ipn_url":"ftp://shop.example/ipn"}""");
        using var badOutcome = await PostJsonAsync($"/_sim/transactions/{NewTxnRef()}/complete", """{"outcome":"maybe"}""");
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest],
            new[] { badRate.StatusCode, badMode.StatusCode, badUrl.StatusCode, badOutcome.StatusCode });
    }

    // ---- helpers ----

    private static string NewTxnRef() => "T" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>VNPay's time format: yyyyMMddHHmmss in GMT+7.</summary>
    private static string VnPayTime(DateTimeOffset time) => time.ToOffset(TimeSpan.FromHours(7)).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    private Dictionary<string, string> PayParameters(string txnRef, long amount = 125_000, TimeSpan? expiresIn = null, string? orderInfo = null)
    {
        var now = DateTimeOffset.UtcNow;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["vnp_Version"] = "2.1.0",
            ["vnp_Command"] = "pay",
            ["vnp_TmnCode"] = Gateway.TmnCode,
            ["vnp_Amount"] = (amount * 100).ToString(CultureInfo.InvariantCulture),
            ["vnp_CurrCode"] = "VND",
            ["vnp_TxnRef"] = txnRef,
            ["vnp_OrderInfo"] = orderInfo ?? $"Thanh toan don hang {txnRef} – Phở #1",
            ["vnp_OrderType"] = "other",
            ["vnp_Locale"] = "vn",
            ["vnp_ReturnUrl"] = ReturnUrl,
            ["vnp_IpAddr"] = ShopperIp,
            ["vnp_CreateDate"] = VnPayTime(now),
            ["vnp_ExpireDate"] = VnPayTime(now + (expiresIn ?? TimeSpan.FromMinutes(15))),
        };
    }

    private string SignedPayUrl(Dictionary<string, string> parameters) => ReferenceVnPayChecksum.SignedUrl(Gateway.PayPageUrl, Gateway.HashSecret, parameters);

    /// <summary>A pending transaction of 125,000 VND, registered by opening its pay page.</summary>
    private async Task<Dictionary<string, string>> RegisterAsync()
    {
        var parameters = PayParameters(NewTxnRef());
        await Gateway.OpenPayPageAsync(SignedPayUrl(parameters));
        return parameters;
    }

    private JsonObject UnsignedQuery(string txnRef, string transactionDate, string? requestId = null) => new()
    {
        ["vnp_RequestId"] = requestId ?? Guid.NewGuid().ToString("N"),
        ["vnp_Version"] = "2.1.0",
        ["vnp_Command"] = "querydr",
        ["vnp_TmnCode"] = Gateway.TmnCode,
        ["vnp_TxnRef"] = txnRef,
        ["vnp_OrderInfo"] = "Truy van " + txnRef,
        ["vnp_TransactionDate"] = transactionDate,
        ["vnp_CreateDate"] = VnPayTime(DateTimeOffset.UtcNow),
        ["vnp_IpAddr"] = "198.51.100.20",
    };

    private JsonObject SignedQuery(string txnRef, string transactionDate, string? requestId = null, string? secret = null)
        => Sign(UnsignedQuery(txnRef, transactionDate, requestId), secret ?? Gateway.HashSecret);

    private static JsonObject Sign(JsonObject query, string secret)
    {
        query["vnp_SecureHash"] = ReferenceVnPayChecksum.QueryRequestHash(secret, name => Text(query, name));
        return query;
    }

    /// <summary>Posts a querydr request; every protocol answer must be HTTP 200 and signed as documented, errors included.</summary>
    private async Task<JsonObject> QueryAsync(JsonObject request)
    {
        using var response = await PostJsonAsync(Gateway.ApiUrl, request.ToJsonString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"querydr answered {(int)response.StatusCode}: {body}");
        var answer = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(ReferenceVnPayChecksum.QueryResponseHash(Gateway.HashSecret, name => Text(answer, name)), Text(answer, "vnp_SecureHash"), ignoreCase: true);
        Assert.False(string.IsNullOrEmpty(Text(answer, "vnp_ResponseId")));
        return answer;
    }

    private static string? Text(JsonObject json, string name) => json[name] is JsonValue value ? value.GetValue<string>() : null;

    private void AssertSignedAsDocumented(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var hash = parameters.Single(p => p.Key == "vnp_SecureHash").Value;
        Assert.Equal(ReferenceVnPayChecksum.QueryStringHash(Gateway.HashSecret, parameters), hash, ignoreCase: true);
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string url)
    {
        using var response = await Gateway.Http.GetAsync(new Uri(url));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The code on the simulator's HTML error page.</summary>
    private static string ErrorCode(string html)
    {
        const string Marker = "<code id=\"code\">";
        var start = html.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(start >= 0, "Not an error page: " + html);
        start += Marker.Length;
        return html[start..html.IndexOf('<', start)];
    }

    private Task<HttpResponseMessage> PostJsonAsync(string path, string json)
        => Gateway.Http.PostAsync(new Uri(path, UriKind.RelativeOrAbsolute), new StringContent(json, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> PutJsonAsync(string path, string json)
        => Gateway.Http.PutAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>An IPN as the merchant received it.</summary>
    private sealed record ReceivedIpn(string TxnRef, int Arrival, IReadOnlyList<KeyValuePair<string, string>> Parameters)
    {
        public string this[string name] => Parameters.Single(p => p.Key == name).Value;
    }

    /// <summary>
    /// A merchant's IPN endpoint on real Kestrel: it answers each call with the RspCode the test scripts (by reference
    /// and by how many times that reference has arrived) and hands every call to the test through a channel. Stragglers
    /// of earlier tests on the shared simulator may arrive too; tests only look at their own references.
    /// </summary>
    private sealed class IpnReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly Func<string, int, string> _reply;
        private readonly Channel<ReceivedIpn> _arrivals = Channel.CreateUnbounded<ReceivedIpn>();
        private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

        private IpnReceiver(WebApplication app, Func<string, int, string> reply)
        {
            _app = app;
            _reply = reply;
        }

        public string Url { get; private set; } = "";

        public static async Task<IpnReceiver> StartAsync(Func<string, int, string> reply)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new IpnReceiver(app, reply);
            app.MapGet("/vnpay/ipn", receiver.Receive);
            await app.StartAsync();
            receiver.Url = app.Urls.First().TrimEnd('/') + "/vnpay/ipn";
            return receiver;
        }

        public int Count(string txnRef) => _counts.GetValueOrDefault(txnRef);

        /// <summary>The next IPN that <paramref name="wanted"/> accepts; others are skipped.</summary>
        public async Task<ReceivedIpn> NextAsync(Func<ReceivedIpn, bool> wanted, TimeSpan timeout)
        {
            using var cancellation = new CancellationTokenSource(timeout);
            try
            {
                while (true)
                {
                    var ipn = await _arrivals.Reader.ReadAsync(cancellation.Token);
                    if (wanted(ipn))
                    {
                        return ipn;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No awaited IPN arrived within {timeout}; received so far: {string.Join(", ", _counts)}.");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private IResult Receive(HttpContext context)
        {
            // Parsed from the raw query string with the reference decoder, not the framework's, to check what went over the wire.
            var parameters = ReferenceVnPayChecksum.ParseQueryString(context.Request.QueryString.Value ?? "");
            var txnRef = parameters.FirstOrDefault(p => p.Key == "vnp_TxnRef").Value ?? "";
            var arrival = _counts.AddOrUpdate(txnRef, 1, (_, count) => count + 1);
            _arrivals.Writer.TryWrite(new ReceivedIpn(txnRef, arrival, parameters));
            return Results.Text($$"""{"RspCode":"{{_reply(txnRef, arrival)}}","Message":"scripted by the test"}""", "application/json");
        }
    }
}
