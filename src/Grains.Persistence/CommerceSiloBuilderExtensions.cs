using Grains.Idempotency;
using Grains.Orders;
using Grains.Payments;
using Grains.Persistence.Stores;
using Grains.Products;
using Grains.Wallets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Runtime.Hosting;
using Runtime.Schema;
using Runtime.Storage;

namespace Grains.Persistence;

public static class CommerceSiloBuilderExtensions
{
    /// <summary>
    /// Hosts the commerce grains. Call it after choosing storage: on PostgreSQL, products, orders, payments, wallets
    /// and idempotency keys get typed tables (migrated at start) that lists can query; coupons stay JSON. Payments go
    /// through VNPay's protocol, configured by the "VnPay" section (<see cref="VnPayOptions"/>).
    /// </summary>
    public static SiloBuilder AddCommerce(this SiloBuilder silo, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddGrains(typeof(OrderGrain).Assembly);
        var options = new CommerceOptions();
        configuration?.GetSection(CommerceOptions.SectionName).Bind(options);
        silo.Services.TryAddSingleton(options);
        silo.Services.TryAddSingleton<IOrderSagaFaults, NoOrderSagaFaults>();
        var vnPay = new VnPayOptions();
        configuration?.GetSection(VnPayOptions.SectionName).Bind(vnPay);
        silo.Services.TryAddSingleton(vnPay);
        silo.Services.TryAddSingleton<PaymentGatewayMetrics>();
        silo.Services.TryAddSingleton<IPaymentGateway, VnPayGateway>();
        if (silo.UsesPostgres)
        {
            silo.AddMigrations(CommerceSchema.Migrations);
            AddStore<ProductState>(silo.Services, ds => new ProductStateStore(ds));
            AddStore<OrderState>(silo.Services, ds => new OrderStateStore(ds));
            AddStore<PaymentState>(silo.Services, ds => new PaymentStateStore(ds));
            AddStore<WalletState>(silo.Services, ds => new WalletStateStore(ds));
            AddStore<IdempotencyState>(silo.Services, ds => new IdempotencyStateStore(ds));
        }

        return silo;
    }

    private static void AddStore<TState>(IServiceCollection services, Func<NpgsqlDataSource, IGrainStateStore<TState>> create)
        where TState : class, new()
        => services.AddKeyedSingleton(GrainStorageNames.Default, (sp, _) => create(sp.GetRequiredService<NpgsqlDataSource>()));
}
