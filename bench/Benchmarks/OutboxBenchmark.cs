using System.Globalization;
using System.Text.Json.Nodes;
using Commerce.Testing;
using CustomerNotifications.Mail;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// Case C18 under the checkout load: every paid order's <c>order.paid</c> event, from the grain's write to the customer's
/// mail. Two silo processes publish to a private RabbitMQ (their relays), two front ends and the gateway simulator take
/// the checkouts (as <c>bench/run.sh checkout</c>), and the notifications worker (a process) mails each customer through
/// a local SMTP sink, deduping in its inbox in the same PostgreSQL. Reported from PostgreSQL and the sink: events
/// delivered (acted on by the worker), lost (written, not acted on within a minute of the load's end), duplicates
/// acted on (mails beyond one per event), events per second end to end, and the lag from the state change to the
/// worker's mark (and to the broker's confirm). <c>--smoke</c>: 24 customers, 8 at a time, no warm-up.
/// </summary>
public static class OutboxBenchmark
{
    private const int DefaultCustomers = 2_000;
    private const int DefaultConcurrency = 64;
    private const int Silos = 2;
    private const int Frontends = 2;
    private const string MeasuredPrefix = "bench-outbox";
    private static readonly TimeSpan WarmupDuration = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(BenchmarkArguments arguments)
    {
        var customers = arguments.Customers ?? (arguments.Smoke ? 24 : DefaultCustomers);
        var concurrency = Math.Min(arguments.Concurrency ?? (arguments.Smoke ? 8 : DefaultConcurrency), customers);
        var runDirectory = Path.Combine(Path.GetTempPath(), $"outbox-{Environment.ProcessId}");
        Console.WriteLine($"outbox{(arguments.Smoke ? " --smoke" : "")}: {customers:N0} checkouts, {concurrency} at a time; {Silos} silo processes publishing to RabbitMQ, "
            + $"{Frontends} front ends, the gateway simulator, the notifications worker and an SMTP sink; {Environment.ProcessorCount} cores; logs in {runDirectory}");
        await using var server = await PostgresServer.StartAsync();
        var database = await server.CreateDatabaseAsync("outbox");
        await using var broker = await RabbitMqServer.StartAsync();
        await using var mail = await SmtpSink.StartAsync();
        Console.WriteLine($"  RabbitMQ at {broker.Uri}, SMTP sink at {mail.Host}:{mail.Port}");

        var frontendPorts = Enumerable.Range(0, Frontends).Select(_ => FreePorts.Next()).ToList();
        var ipnFrontend = new Uri($"http://127.0.0.1:{frontendPorts[0]}");
        var gateway = await PaymentGatewayProcess.StartAsync(Merchant.TmnCode, Merchant.HashSecret, new Uri(ipnFrontend, "/api/v1/webhooks/vnpay/ipn"), runDirectory,
            new Dictionary<string, string> { ["Ipn:RetryInterval"] = "00:00:01" });
        var environment = Merchant.Environment(gateway, ipnFrontend);
        environment["RabbitMq__Uri"] = broker.Uri.ToString();
        var worker = NotificationsWorker.Start("notifications", NotificationsWorkerSettings.For(broker.Uri, "commerce.events", "notifications", database, mail), runDirectory);
        var silos = new List<SiloProcess>();
        var frontends = new List<WebFrontendProcess>();
        try
        {
            await worker.Consuming.WaitAsync(TimeSpan.FromMinutes(1));
            silos.AddRange(await SiloProcesses.StartAsync(Silos, database, runDirectory, environment));
            frontends.AddRange(frontendPorts.Select((port, i) => WebFrontendProcess.Start(database, CheckoutBenchmark.SigningKey, runDirectory, environment, $"web-frontend-{i + 1}", port)));
            using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
            foreach (var frontend in frontends)
            {
                await frontend.WaitUntilReadyAsync(http, TimeSpan.FromMinutes(2));
            }

            var adminToken = BenchmarkTokens.Sign(CheckoutBenchmark.SigningKey, "admin", "admin");
            var productIds = await CheckoutBenchmark.SeedProductsAsync(http, frontends[0].BaseAddress, adminToken, stockEach: 2 * customers + 10_000);
            var client = new CheckoutClient(http, [.. frontends.Select(f => f.BaseAddress)], gateway.BaseAddress, productIds);

            if (!arguments.Smoke)
            {
                Console.WriteLine($"  warm-up: checkouts for {WarmupDuration.TotalSeconds:0} s (their events and mails not counted)…");
                var warm = await CheckoutBenchmark.RunLoadAsync(client, "bench-warm", 10_000, concurrency, WarmupDuration);
                Console.WriteLine($"  warm-up: {warm.Results.Count(r => r.Paid):N0} paid");
            }

            var loadBefore = ResultsFile.LoadAverage();
            Console.WriteLine($"  measuring: {customers:N0} checkouts, {concurrency} at a time…");
            var load = await CheckoutBenchmark.RunLoadAsync(client, MeasuredPrefix, customers, concurrency);
            var paid = load.Results.Count(r => r.Paid);
            Console.WriteLine($"  {paid:N0} of {customers:N0} paid in {load.Elapsed.TotalSeconds:0.0} s; waiting for their mails…");

            await using var dataSource = NpgsqlDataSource.Create(database);
            var written = await ScalarAsync(dataSource, "SELECT count(*) FROM outbox WHERE event_type = 'order.paid' AND payload->>'customer_id' LIKE $1", MeasuredPrefix + "-%");
            var addresses = load.Results.Select(r => NotificationsWorkerSettings.AddressOf(r.Customer)).ToHashSet(StringComparer.Ordinal);
            var mails = await MailsAsync(mail, addresses, (int)written);

            // The worker marks its inbox after the mail reaches the sink: wait for its marks too, by the same deadline.
            var writtenIds = await EventIdsAsync(dataSource);
            try
            {
                await worker.HandledAllAsync(writtenIds).WaitAsync(DeliveryDeadline);
            }
            catch (TimeoutException)
            {
                // Reported as lost below: the events the worker has not acted on.
            }

            var delivery = await DeliveryReport.ReadAsync(dataSource, MeasuredPrefix, mails);
            var membership = await MembershipCheck.ReadAsync(database);
            var loadAfter = ResultsFile.LoadAverage();

            Print(delivery, paid, load.Elapsed);
            var document = ResultsFile.Header("outbox", arguments, loadBefore);
            document["customers"] = customers;
            document["concurrency"] = concurrency;
            document["paid"] = paid;
            document["paid_per_s"] = Math.Round(paid / load.Elapsed.TotalSeconds, 1);
            document["delivery"] = delivery.ToJson();
            document["membership"] = membership.ToJson();
            await ResultsFile.WriteAsync(arguments, "outbox", document);
            Console.WriteLine($"  load average (1/5/15 min) before / after: {loadBefore} / {loadAfter}");

            var passed = delivery.Lost == 0 && delivery.DuplicatesActed == 0 && delivery.Written == paid && membership.Passed;
            if (!passed)
            {
                Console.WriteLine($"  FAILED: written {delivery.Written} for {paid} paid orders, lost {delivery.Lost}, duplicates acted {delivery.DuplicatesActed}"
                    + (membership.Passed ? "" : $", {string.Join(", ", membership.FalselyDead)} declared dead without being killed"));
            }

            Console.WriteLine($"outbox: delivered={delivery.Delivered} lost={delivery.Lost} duplicates_acted={delivery.DuplicatesActed} "
                + $"events_per_s={Fixed(delivery.EventsPerSecond)} lag_p99_ms={Fixed(delivery.Lag.P99)}");
            return passed ? 0 : 1;
        }
        finally
        {
            foreach (var frontend in frontends)
            {
                await frontend.TerminateAsync(TimeSpan.FromSeconds(15));
                await frontend.DisposeAsync();
            }

            await SiloProcesses.StopAsync(silos);
            await worker.DisposeAsync();
            await gateway.TerminateAsync(TimeSpan.FromSeconds(10));
            await gateway.DisposeAsync();
        }
    }

    private static async Task<List<Guid>> EventIdsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM outbox WHERE event_type = 'order.paid' AND payload->>'customer_id' LIKE $1");
        command.Parameters.Add(new NpgsqlParameter { Value = MeasuredPrefix + "-%" });
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>The sink's mails to the measured customers once there are <paramref name="expected"/>, or what came by the deadline.</summary>
    private static async Task<IReadOnlyList<ReceivedMail>> MailsAsync(SmtpSink mail, HashSet<string> addresses, int expected)
    {
        bool Measured(ReceivedMail m) => m.Recipients.Any(addresses.Contains);
        try
        {
            await mail.WaitUntilAsync(all => all.Count(Measured) >= expected).WaitAsync(DeliveryDeadline);
        }
        catch (TimeoutException)
        {
            // Reported as lost below: the events the worker has not acted on.
        }

        return [.. mail.Mails.Where(Measured)];
    }

    private static void Print(DeliveryReport delivery, int paid, TimeSpan elapsed)
    {
        Console.WriteLine();
        Row("measure", "value");
        Console.WriteLine($"|{new string('-', 46)}|{new string('-', 18)}|");
        Row("orders paid (checkout load)", $"{paid:N0} ({paid / elapsed.TotalSeconds:0.0}/s)");
        Row("order.paid events written", delivery.Written.ToString("N0", CultureInfo.InvariantCulture));
        Row("acted on by the worker (delivered)", delivery.Delivered.ToString("N0", CultureInfo.InvariantCulture));
        Row("lost (written, not acted on)", delivery.Lost.ToString(CultureInfo.InvariantCulture));
        Row("mails / distinct events mailed", $"{delivery.Mails:N0} / {delivery.DistinctMailed:N0}");
        Row("duplicates acted on", delivery.DuplicatesActed.ToString(CultureInfo.InvariantCulture));
        Row("events/s end to end", Fixed(delivery.EventsPerSecond));
        Row("lag state change → broker confirm p50/p99", $"{Fixed(delivery.Confirm.P50)} / {Fixed(delivery.Confirm.P99)} ms");
        Row("lag state change → worker done p50/p99", $"{Fixed(delivery.Lag.P50)} / {Fixed(delivery.Lag.P99)} ms");
        Row("lag state change → worker done max", $"{Fixed(delivery.Lag.Max)} ms");
        Console.WriteLine();
    }

    private static void Row(string measure, string value) => Console.WriteLine($"| {measure,-44} | {value,16} |");

    private static string Fixed(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql, params object[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The measured events as PostgreSQL (outbox, the worker's inbox) and the sink saw them.</summary>
    private sealed record DeliveryReport(
        long Written, long Delivered, long Lost, int Mails, int DistinctMailed, int DuplicatesActed, double EventsPerSecond, Latency Confirm, Latency Lag)
    {
        public static async Task<DeliveryReport> ReadAsync(NpgsqlDataSource dataSource, string customerPrefix, IReadOnlyList<ReceivedMail> mails)
        {
            await using var command = dataSource.CreateCommand("""
                SELECT count(*),
                       count(i.handled_at),
                       extract(epoch FROM max(i.handled_at) - min(o.occurred_at)),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o.published_at - o.occurred_at)),
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM o.published_at - o.occurred_at)),
                       max(extract(epoch FROM o.published_at - o.occurred_at)),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM i.handled_at - o.occurred_at)),
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM i.handled_at - o.occurred_at)),
                       max(extract(epoch FROM i.handled_at - o.occurred_at))
                FROM outbox o LEFT JOIN notification_inbox i ON i.event_id = o.id
                WHERE o.event_type = 'order.paid' AND o.payload->>'customer_id' LIKE $1
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = customerPrefix + "-%" });
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            double Ms(int column) => reader.IsDBNull(column) ? 0 : Convert.ToDouble(reader.GetValue(column), CultureInfo.InvariantCulture) * 1_000;
            var written = reader.GetInt64(0);
            var delivered = reader.GetInt64(1);
            var window = Ms(2) / 1_000;
            var distinct = mails.Select(m => m.Message.Headers[NotificationMails.EventIdHeader] ?? m.MessageId).Distinct(StringComparer.Ordinal).Count();
            return new DeliveryReport(
                written, delivered, written - delivered, mails.Count, distinct, mails.Count - distinct, window > 0 ? delivered / window : 0,
                new Latency(Ms(3), Ms(4), Ms(5)), new Latency(Ms(6), Ms(7), Ms(8)));
        }

        public JsonObject ToJson() => new()
        {
            ["written"] = Written,
            ["delivered"] = Delivered,
            ["lost"] = Lost,
            ["mails"] = Mails,
            ["distinct_events_mailed"] = DistinctMailed,
            ["duplicates_acted"] = DuplicatesActed,
            ["events_per_s"] = Math.Round(EventsPerSecond, 1),
            ["lag_to_broker_confirm_ms"] = Confirm.ToJson(),
            ["lag_to_worker_done_ms"] = Lag.ToJson(),
        };
    }

    private sealed record Latency(double P50, double P99, double Max)
    {
        public JsonObject ToJson() => new() { ["p50"] = Math.Round(P50, 1), ["p99"] = Math.Round(P99, 1), ["max"] = Math.Round(Max, 1) };
    }
}
