using Grains.Idempotency;
using Grains.Orders;
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
    /// Hosts the commerce grains. Call it after choosing storage: on PostgreSQL, products, orders, wallets and
    /// idempotency keys get typed tables (migrated at start) that lists can query; coupons stay JSON.
    /// </summary>
    public static SiloBuilder AddCommerce(this SiloBuilder silo, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.AddGrains(typeof(OrderGrain).Assembly);
        var options = new CommerceOptions();
        configuration?.GetSection(CommerceOptions.SectionName).Bind(options);
        silo.Services.TryAddSingleton(options);
        silo.Services.TryAddSingleton<IOrderSagaFaults, NoOrderSagaFaults>();
        if (silo.UsesPostgres)
        {
            silo.AddMigrations(CommerceSchema.Migrations);
            AddStore<ProductState>(silo.Services, ds => new ProductStateStore(ds));
            AddStore<OrderState>(silo.Services, ds => new OrderStateStore(ds));
            AddStore<WalletState>(silo.Services, ds => new WalletStateStore(ds));
            AddStore<IdempotencyState>(silo.Services, ds => new IdempotencyStateStore(ds));
        }

        return silo;
    }

    private static void AddStore<TState>(IServiceCollection services, Func<NpgsqlDataSource, IGrainStateStore<TState>> create)
        where TState : class, new()
        => services.AddKeyedSingleton(GrainStorageNames.Default, (sp, _) => create(sp.GetRequiredService<NpgsqlDataSource>()));
}
