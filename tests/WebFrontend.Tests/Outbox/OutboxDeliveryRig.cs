using Commerce.Testing;
using Npgsql;
using WebFrontend.Tests.Infrastructure;

namespace WebFrontend.Tests.Outbox;

/// <summary>
/// Case C18 on real components: a database of its own, an SMTP sink, and on a broker the test chooses, an exchange and
/// a queue of its own; the notifications worker as a process, silos (in this process or as processes) publishing to
/// the same exchange, and customers whose orders end so that each one is mailed once.
/// </summary>
public sealed class OutboxDeliveryRig : IAsyncLifetime
{
    private readonly string _exchange = RabbitMqServer.UniqueName("events");
    private readonly string _queue = RabbitMqServer.UniqueName("notifications");

    /// <summary>The exchange the rig's silos publish to and its worker's queue is bound to.</summary>
    public string Exchange => _exchange;

    public string Logs { get; } = Path.Combine(Path.GetTempPath(), $"outbox-delivery-{Guid.NewGuid():N}");

    public string ConnectionString { get; private set; } = null!;

    public NpgsqlDataSource Database { get; private set; } = null!;

    public SmtpSink Mail { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await SharedPostgres.CreateDatabaseAsync();
        Database = NpgsqlDataSource.Create(ConnectionString);
        Mail = await SmtpSink.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Mail.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>The worker consuming this rig's queue, its inbox in this rig's database; returns once it consumes.</summary>
    public async Task<NotificationsWorker> StartWorkerAsync(Uri broker)
    {
        var worker = NotificationsWorker.Start("notifications", NotificationsWorkerSettings.For(broker, _exchange, _queue, ConnectionString, Mail), Logs);
        await worker.Consuming.WaitAsync(TimeSpan.FromSeconds(60));
        return worker;
    }

    /// <summary>A silo's settings: a gateway it never reaches, this rig's broker and exchange, relays that retry within a second.</summary>
    public Dictionary<string, string?> SiloSettings(Uri broker)
    {
        var settings = TestPayments.Settings(new Uri("http://127.0.0.1:9/"));
        settings["RabbitMq:Uri"] = broker.ToString();
        settings["RabbitMq:Exchange"] = _exchange;
        settings["Outbox:MaxBackoff"] = "00:00:01";
        settings["Outbox:KeepRunningPeriod"] = "00:00:01";
        return settings;
    }

    /// <summary>As <see cref="SiloSettings"/>, as a silo process's environment.</summary>
    public Dictionary<string, string> SiloEnvironment(Uri broker)
        => SiloSettings(broker).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

    /// <summary>One order per customer, each cancelled: one <c>order.cancelled</c> event, and so one mail, per customer.</summary>
    public static async Task<IReadOnlyList<string>> CancelledOrdersAsync(FrontEnd api, int customers)
    {
        var product = await Seed.ProductAsync(api, stock: customers);
        var names = Enumerable.Range(0, customers).Select(_ => Seed.UniqueId("mailed")).ToList();
        foreach (var customer in names)
        {
            var order = await Checkout.PlaceAsync(api, customer, product);
            using var client = api.ClientFor(Tokens.Customer(customer));
            var cancelled = await Reply.ReadAsync(await client.SendAsync(Api.Request(HttpMethod.Post, $"/api/v1/orders/{order.OrderId}/cancel")));
            Assert.True(cancelled.Status == System.Net.HttpStatusCode.OK, cancelled.ToString());
        }

        return names;
    }

    /// <summary>Completes once every customer of <paramref name="customers"/> has had a mail; the mails they had.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> MailsToAsync(IReadOnlyList<string> customers)
    {
        var addresses = customers.Select(NotificationsWorkerSettings.AddressOf).ToHashSet(StringComparer.Ordinal);
        var mails = await Mail.WaitUntilAsync(all => addresses.All(address => all.Any(m => m.Recipients.Contains(address))))
            .WaitAsync(TimeSpan.FromSeconds(60));
        return [.. mails.Where(m => m.Recipients.Any(addresses.Contains))];
    }

    /// <summary>The outbox events of the orders placed by <paramref name="customers"/>: id and whether delivered.</summary>
    public async Task<IReadOnlyList<(Guid Id, bool Published)>> EventsOfAsync(IReadOnlyList<string> customers)
    {
        await using var command = Database.CreateCommand(
            "SELECT id, published_at IS NOT NULL FROM outbox WHERE payload->>'customer_id' = ANY($1) ORDER BY position");
        command.Parameters.Add(new NpgsqlParameter { Value = customers.ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        var events = new List<(Guid, bool)>();
        while (await reader.ReadAsync())
        {
            events.Add((reader.GetGuid(0), reader.GetBoolean(1)));
        }

        return events;
    }

    /// <summary>Marks the silo on <paramref name="siloPort"/> Dead in the membership table, a new table version with it.</summary>
    public async Task DeclareDeadAsync(int siloPort)
    {
        await using var batch = new NpgsqlBatch(await Database.OpenConnectionAsync())
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("UPDATE orleans_membership SET status = 6 WHERE port = $1") { Parameters = { new() { Value = siloPort } } },
                new NpgsqlBatchCommand("UPDATE orleans_membership_version SET version = version + 1"),
            },
        };
        await using var connection = batch.Connection!;
        await batch.ExecuteNonQueryAsync();
    }

    /// <summary>How many inbox rows the worker holds for <paramref name="eventIds"/>, and how many of them are handled.</summary>
    public async Task<(long Rows, long Handled)> InboxOfAsync(IEnumerable<Guid> eventIds)
    {
        await using var command = Database.CreateCommand("SELECT count(*), count(handled_at) FROM notification_inbox WHERE event_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = eventIds.ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
