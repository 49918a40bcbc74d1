using BlobStorage;
using CustomerNotifications;
using Grains.Coupons;
using Grains.Customers;
using Grains.Exports;
using Grains.Idempotency;
using Grains.Orders;
using Grains.Payments;
using Grains.Outbox;
using Grains.Persistence.Outbox;
using Grains.Persistence.Purge;
using Grains.Persistence.Queries;
using Grains.Persistence.Schema;
using Grains.Persistence.Reminders;
using Grains.Persistence.Storage;
using Grains.Persistence.Stores;
using Grains.Products;
using Grains.Storage;
using Grains.Uploads;
using Grains.Wallets;
using IntegrationEvents;
using Messaging.RabbitMq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace Grains.Persistence.Hosting;

public static class CommerceSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant of Npgsql: Orleans' providers load its factory by this name.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// What the commerce grains need on any silo: their settings ("Commerce" and "VnPay" sections, checked at start),
    /// the payment gateway, their metrics (meters named <c>Commerce.*</c>), the typed storage provider and the request
    /// log scope. Add storage with
    /// <see cref="UsePostgres"/> or <see cref="UseInMemoryStorage"/>.
    /// </summary>
    public static ISiloBuilder AddCommerce(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        services.AddOptions<CommerceOptions>().BindConfiguration(CommerceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CommerceOptions>, CommerceOptionsValidator>();
        services.AddOptions<VnPayOptions>().BindConfiguration(VnPayOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VnPayOptions>, VnPayOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOrderSagaFaults, NoOrderSagaFaults>();
        services.TryAddSingleton<PaymentGatewayMetrics>();
        services.TryAddSingleton<OrderMetrics>();
        services.TryAddSingleton<StockMetrics>();
        services.TryAddSingleton<GroupCommitMetrics>();
        services.TryAddSingleton<IPaymentGateway, VnPayGateway>();
        services.TryAddSingleton<NewGrainKeys>();
        services.AddBlobStorage();
        services.AddOptions<UploadValidationOptions>().BindConfiguration(UploadValidationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UploadValidationOptions>, UploadValidationOptionsValidator>());
        services.AddKeyedSingleton<IGrainStorage>(StorageNames.Commerce, (provider, _) => new CommerceGrainStorage(provider));
        services.AddHostedService<IdempotencyKeyPurgeService>();
        AddExports(services);
        AddOutboxRelay(silo);
        silo.AddIncomingGrainCallFilter<RequestLogScopeFilter>();
        silo.AddActivityPropagation();
        return silo;
    }

    /// <summary>Export jobs ("Exports" section): this silo's slots, their metrics; their rows come from the storage's source.</summary>
    private static void AddExports(IServiceCollection services)
    {
        services.AddOptions<ExportOptions>().BindConfiguration(ExportOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExportOptions>, ExportOptionsValidator>());
        services.TryAddSingleton<ExportSlots>();
        services.TryAddSingleton<ExportMetrics>();
        services.TryAddSingleton<IExportJobFaults, NoExportJobFaults>();
    }

    /// <summary>
    /// The outbox's relays ("Outbox" section) and where they deliver: the broker when <c>RabbitMq:Uri</c> is set; else
    /// the customer notifications in this process (the embedded mode's consumer), whose inbox is in memory unless
    /// <c>ConnectionStrings:Notifications</c> is set and whose mails are only logged unless <c>Smtp:Host</c> is.
    /// </summary>
    private static void AddOutboxRelay(ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<OutboxMetrics>();
        services.TryAddSingleton<IOutboxRelayFaults, NoOutboxRelayFaults>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, OutboxRelayStarter>();
        services.AddHostedService<OutboxPurgeService>();
        if (!string.IsNullOrWhiteSpace(silo.Configuration[$"{RabbitMqOptions.SectionName}:{nameof(RabbitMqOptions.Uri)}"]))
        {
            services.TryAddSingleton<IEventPublisher, RabbitMqEventPublisher>();
            return;
        }

        // Addresses for a consumer nobody configured (./run.sh): mails to them are only logged. Configuration wins.
        services.AddOptions<NotificationOptions>().Configure(options =>
        {
            options.RecipientAddress = "{customer_id}@customers.example.com";
            options.RefundDeskAddress = "refunds@shop.example.com";
        });
        services.AddCustomerNotifications(silo.Configuration);
        services.TryAddSingleton<IEventPublisher, InProcessEventPublisher>();
    }

    /// <summary>
    /// The cluster on PostgreSQL: membership and default grain storage through Orleans' ADO.NET providers (our schema
    /// and queries, migrated as the silo starts), reminders through our own table (writes sharing transactions), the
    /// commerce states in their typed tables.
    /// </summary>
    public static ISiloBuilder UsePostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var services = silo.Services;
        services.TryAddSingleton(_ => SiloDataSource(connectionString));
        services.TryAddSingleton<SchemaMigrator>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaMigration>();

        // Orleans' providers run the same few queries over and over: prepared, and no reset between uses.
        var providers = PostgresConnectionTuning.Apply(connectionString);
        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = providers;
        });
        silo.AddReminders();
        services.AddSingleton<IReminderTable, PostgresReminderTable>();
        silo.AddAdoNetGrainStorageAsDefault(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = providers;
        });
        silo.UseSystemTextJsonGrainStorageSerializer();
        services.AddOptions<CommerceStorageOptions>().BindConfiguration(CommerceStorageOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CommerceStorageOptions>, CommerceStorageOptionsValidator>());
        services.TryAddSingleton<StorageWriteMetrics>();
        services.TryAddSingleton<SharedTransactionWriter>();
        services.TryAddSingleton<IGrainStateStore<ProductState>, ProductStateStore>();
        services.TryAddSingleton<IGrainStateStore<OrderState>, OrderStateStore>();
        services.TryAddSingleton<IGrainStateStore<PaymentState>, PaymentStateStore>();
        services.TryAddSingleton<WalletStateStore>();
        services.TryAddSingleton<IGrainStateStore<WalletState>>(provider => provider.GetRequiredService<WalletStateStore>());
        services.TryAddSingleton<IWalletReferences>(provider => provider.GetRequiredService<WalletStateStore>());
        services.TryAddSingleton<IGrainStateStore<CouponState>, CouponStateStore>();
        services.TryAddSingleton<IGrainStateStore<IdempotencyState>, IdempotencyStateStore>();
        services.TryAddSingleton<IGrainStateStore<UploadState>, UploadStateStore>();
        services.TryAddSingleton<IIdempotencyKeyPurge, PostgresIdempotencyKeyPurge>();
        services.TryAddSingleton<IOutboxStore, PostgresOutboxStore>();
        services.TryAddSingleton<ICustomerProfiles, PostgresCustomerProfiles>();
        services.TryAddSingleton<IOrderExportSource, PostgresOrderExportSource>();
        return silo;
    }

    /// <summary>
    /// Nothing durable: in-memory reminders and default storage, the commerce states in memory where
    /// <see cref="InMemoryQueries"/> lists them. The embedded mode's storage (with localhost clustering), and the grain
    /// tests'.
    /// </summary>
    public static ISiloBuilder UseInMemoryStorage(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.UseInMemoryReminderService();
        silo.AddMemoryGrainStorageAsDefault();
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Services.TryAddSingleton<InMemoryOutbox>();
        silo.Services.TryAddSingleton<IOutboxStore>(provider => provider.GetRequiredService<InMemoryOutbox>());
        AddInMemoryStore<ProductState>(silo.Services);
        AddInMemoryStore<OrderState>(silo.Services);
        AddInMemoryStore<PaymentState>(silo.Services);
        AddInMemoryStore<IdempotencyState>(silo.Services);
        AddInMemoryStore<UploadState>(silo.Services);
        var services = silo.Services;
        services.TryAddSingleton<InMemoryWalletStore>();
        services.TryAddSingleton<IGrainStateStore<WalletState>>(provider => provider.GetRequiredService<InMemoryWalletStore>());
        services.TryAddSingleton<IWalletReferences>(provider => provider.GetRequiredService<InMemoryWalletStore>());
        services.TryAddSingleton<InMemoryCouponStore>();
        services.TryAddSingleton<IGrainStateStore<CouponState>>(provider => provider.GetRequiredService<InMemoryCouponStore>());
        services.TryAddSingleton<IIdempotencyKeyPurge, InMemoryIdempotencyKeyPurge>();
        services.TryAddSingleton<InMemoryQueries>();
        services.TryAddSingleton<ICustomerProfiles, InMemoryCustomerProfiles>();
        services.TryAddSingleton<IOrderExportSource>(provider => provider.GetRequiredService<InMemoryQueries>());
        return silo;
    }

    /// <summary>
    /// Failure detection tuned for this product (see the README's configuration): probes every second, a silo that
    /// misses <paramref name="missedProbes"/> in a row is voted dead by one peer, and everyone rereads the membership
    /// table every two seconds, so a crashed silo's grains are served elsewhere within seconds.
    /// </summary>
    public static ISiloBuilder UseFastFailureDetection(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<ClusterMembershipOptions>()
            .Configure(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 3;
                options.NumVotesForDeathDeclaration = 1;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            })
            .BindConfiguration("Membership");
        return silo;
    }

    private static void AddInMemoryStore<TState>(IServiceCollection services) where TState : class, new()
    {
        services.TryAddSingleton<InMemoryStateStore<TState>>();
        services.TryAddSingleton<IGrainStateStore<TState>>(provider => provider.GetRequiredService<InMemoryStateStore<TState>>());
    }

    /// <summary>The silo's own pool: prepared statements for the stores' few statements, 40 connections unless the string says.</summary>
    private static NpgsqlDataSource SiloDataSource(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(PostgresConnectionTuning.Apply(connectionString)) { Name = "silo" };
        if (builder.ConnectionStringBuilder.MaxPoolSize == 100)
        {
            builder.ConnectionStringBuilder.MaxPoolSize = 40;
        }

        return builder.Build();
    }
}
