using Commerce.Testing;
using Grains.Persistence.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Messaging;
using Orleans.Runtime;

namespace Grains.Persistence.Tests.Clustering;

/// <summary>A real cluster on our SQL: silos join and leave through the membership table, clients find gateways in it.</summary>
public sealed class ClusterTests(TwoSilosOnFreshDatabase cluster) : IClassFixture<TwoSilosOnFreshDatabase>
{
    [Fact]
    public async Task Two_silos_starting_together_on_an_empty_database_migrate_it_once_before_joining_and_both_become_Active()
    {
        var membership = await cluster.Silos[0].Services.GetRequiredService<IMembershipTable>().ReadAllAsync();

        Assert.Equal(Migrations.MigrationTests.ProductMigrations, await cluster.Database.ColumnAsync<string>("SELECT id FROM schema_migrations ORDER BY id"));
        Assert.Equal(
            [("silo-1", SiloStatus.Active), ("silo-2", SiloStatus.Active)],
            membership.Members.Select(member => (member.Item1.SiloName, member.Item1.Status)).OrderBy(member => member.SiloName, StringComparer.Ordinal));
        Assert.All(membership.Members, member => Assert.Equal(membership.Version.VersionEtag, member.Item2));
    }

    [Fact]
    public async Task A_client_finds_both_silos_gateways_in_the_membership_table()
    {
        var gateways = await cluster.Client.GetRequiredService<IGatewayListProvider>().GetGateways();

        Assert.Equal(GatewaysOf(cluster.Silos), Sorted(gateways));
    }

    [Fact]
    public async Task A_silo_that_leaves_is_recorded_Dead_drops_out_of_the_gateways_and_is_then_cleaned_up()
    {
        var gatewayList = cluster.Client.GetRequiredService<IGatewayListProvider>();
        await using var leaver = await InProcessSilo.StartAsync(cluster.ConnectionString, "silo-3", SiloSettings.Minimal);
        var gatewaysWithLeaver = await gatewayList.GetGateways();

        await leaver.StopAsync();
        var statusAfterStop = await cluster.Database.ScalarAsync<int>("SELECT status FROM orleans_membership WHERE silo_name = 'silo-3'");
        var gatewaysAfterStop = await gatewayList.GetGateways();
        await cluster.Silos[0].Services.GetRequiredService<IMembershipTable>().CleanupDefunctSiloEntriesAsync(TimeProvider.System.GetUtcNow().AddMinutes(1));
        var left = await cluster.Database.ColumnAsync<string>("SELECT silo_name FROM orleans_membership ORDER BY silo_name");

        Assert.Equal(GatewaysOf([.. cluster.Silos, leaver]), Sorted(gatewaysWithLeaver));
        Assert.Equal((int)SiloStatus.Dead, statusAfterStop);
        Assert.Equal(GatewaysOf(cluster.Silos), Sorted(gatewaysAfterStop));
        Assert.Equal(["silo-1", "silo-2"], left);
    }

    /// <summary>Each silo's gateway endpoint under its generation, as the membership table lists it.</summary>
    private static IEnumerable<string> GatewaysOf(IEnumerable<InProcessSilo> silos)
        => Sorted(silos.Select(silo => silo.Services.GetRequiredService<ILocalSiloDetails>())
            .Select(details => SiloAddress.New(details.GatewayAddress!.Endpoint, details.SiloAddress.Generation).ToGatewayUri()));

    private static IEnumerable<string> Sorted(IEnumerable<Uri> gateways) => gateways.Select(gateway => gateway.ToString()).Order(StringComparer.Ordinal);
}
