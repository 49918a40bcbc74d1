using Grains.Persistence.Tests.Infrastructure;
using Orleans;
using Orleans.Runtime;
using static Grains.Persistence.Tests.Infrastructure.Members;

namespace Grains.Persistence.Tests.Clustering;

/// <summary>
/// Our membership SQL under Orleans' AdoNetClusteringTable, on scratch cluster ids: the version row is the gate of
/// the protocol's optimistic concurrency, so a change lands only at the version its writer read.
/// </summary>
[Collection(SharedSilo.Name)]
public sealed class MembershipTableTests(SiloOnFreshDatabase silo)
{
    [Fact]
    public async Task Silos_initializing_a_new_cluster_at_once_all_succeed_and_create_one_version_row_at_version_0()
    {
        var cluster = new ScratchCluster(silo.Services);
        var tables = Enumerable.Range(0, 8).Select(_ => cluster.Table()).ToList();

        await Task.WhenAll(tables.Select(table => table.InitializeMembershipTableAsync(tryInitTableVersion: true)));
        var empty = await tables[0].ReadAllAsync();

        Assert.Equal(1L, await silo.Database.ScalarAsync<long>("SELECT count(*) FROM orleans_membership_version WHERE deployment_id = $1", cluster.Id));
        Assert.Empty(empty.Members);
        Assert.Equal((0, "0"), (empty.Version.Version, empty.Version.VersionEtag));
    }

    [Fact]
    public async Task A_member_is_inserted_only_at_the_current_table_version_and_only_once()
    {
        var cluster = new ScratchCluster(silo.Services);
        var table = await cluster.InitializedTableAsync();
        var otherSilosTable = await cluster.InitializedTableAsync();
        var start = Now();
        var first = Member(20001, SiloStatus.Joining, start);
        var version0 = (await table.ReadAllAsync()).Version;

        Assert.True(await table.InsertRowAsync(first, version0.Next()));
        var version1 = (await table.ReadAllAsync()).Version;
        Assert.False(await table.InsertRowAsync(Member(20002, SiloStatus.Joining, start), version0.Next()));
        Assert.False(await table.InsertRowAsync(first, version1.Next()));
        var raced = await Task.WhenAll(
            table.InsertRowAsync(Member(20003, SiloStatus.Joining, start), version1.Next()),
            otherSilosTable.InsertRowAsync(Member(20004, SiloStatus.Joining, start), version1.Next()));
        var after = await table.ReadAllAsync();

        Assert.Equal(1, version1.Version);
        Assert.Single(raced, inserted => inserted);
        Assert.Equal(2, after.Version.Version);
        Assert.Equal([20001, raced[0] ? 20003 : 20004], Ports(after));
    }

    [Fact]
    public async Task A_member_reads_back_exactly_and_is_updated_only_at_the_current_table_version()
    {
        var cluster = new ScratchCluster(silo.Services);
        var table = await cluster.InitializedTableAsync();
        var start = Now().AddMinutes(-10);
        await table.InsertRowAsync(Member(20001, SiloStatus.Joining, start), (await table.ReadAllAsync()).Version.Next());
        var (inserted, rowEtag) = (await table.ReadRowAsync(Address(20001))).Members.Single();
        var version1 = (await table.ReadAllAsync()).Version;
        var active = Member(20001, SiloStatus.Active, start);
        active.IAmAliveTime = Now();
        active.SuspectTimes = [Tuple.Create(Address(20009), Now().AddSeconds(-5))];

        Assert.True(await table.UpdateRowAsync(active, rowEtag, version1.Next()));
        var updated = await table.ReadRowAsync(Address(20001));
        Assert.False(await table.UpdateRowAsync(active, rowEtag, version1.Next()));
        Assert.False(await table.UpdateRowAsync(Member(20077, SiloStatus.Active, start), updated.Version.VersionEtag, updated.Version.Next()));
        var unchanged = await table.ReadAllAsync();

        Assert.Equal((Address(20001), SiloStatus.Joining, "scratch-20001", "scratch-host", 21001, start, DateTimeKind.Utc),
            (inserted.SiloAddress, inserted.Status, inserted.SiloName, inserted.HostName, inserted.ProxyPort, inserted.StartTime, inserted.StartTime.Kind));
        var member = updated.Members.Single().Item1;
        Assert.Equal((2, SiloStatus.Active, active.IAmAliveTime), (updated.Version.Version, member.Status, member.IAmAliveTime));
        Assert.Equal([Address(20009)], member.SuspectTimes?.Select(suspicion => suspicion.Item1) ?? []);
        Assert.Equal(2, unchanged.Version.Version);
        Assert.Equal([SiloStatus.Active], unchanged.Members.Select(m => m.Item1.Status));
    }

    [Fact]
    public async Task IAmAlive_writes_the_heartbeat_without_a_version_and_an_unknown_silo_reads_as_no_member_at_the_table_version()
    {
        var cluster = new ScratchCluster(silo.Services);
        var table = await cluster.InitializedTableAsync();
        var member = Member(20001, SiloStatus.Active, Now().AddMinutes(-1));
        await table.InsertRowAsync(member, (await table.ReadAllAsync()).Version.Next());
        member.IAmAliveTime = Now();

        await table.UpdateIAmAliveAsync(member);
        var alive = await table.ReadRowAsync(Address(20001));
        var unknown = await table.ReadRowAsync(Address(29999));

        Assert.Equal((1, member.IAmAliveTime), (alive.Version.Version, alive.Members.Single().Item1.IAmAliveTime));
        Assert.Empty(unknown.Members);
        Assert.Equal(1, unknown.Version.Version);
    }

    [Fact]
    public async Task Defunct_cleanup_removes_only_dead_members_last_alive_before_the_cutoff()
    {
        var cluster = new ScratchCluster(silo.Services);
        var table = await cluster.InitializedTableAsync();
        var now = Now();
        var cutoff = now.AddHours(-1);
        foreach (var member in new[]
        {
            Member(20001, SiloStatus.Active, now.AddHours(-3)),
            Member(20002, SiloStatus.Dead, now.AddHours(-3)),
            Member(20003, SiloStatus.Dead, now),
            Member(20004, SiloStatus.ShuttingDown, now.AddHours(-3)),
        })
        {
            Assert.True(await table.InsertRowAsync(member, (await table.ReadAllAsync()).Version.Next()));
        }

        await table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(cutoff));
        var left = await table.ReadAllAsync();

        Assert.Equal([20001, 20003, 20004], Ports(left));
    }

    [Fact]
    public async Task Deleting_a_cluster_removes_its_members_and_version_row_and_nothing_of_another_cluster()
    {
        var doomedCluster = new ScratchCluster(silo.Services);
        var doomed = await doomedCluster.InitializedTableAsync();
        var other = await new ScratchCluster(silo.Services).InitializedTableAsync();
        foreach (var table in new[] { doomed, other })
        {
            await table.InsertRowAsync(Member(20001, SiloStatus.Active, Now()), (await table.ReadAllAsync()).Version.Next());
        }

        await doomed.DeleteMembershipTableEntriesAsync(doomedCluster.Id);

        Assert.Equal(0L, await silo.Database.ScalarAsync<long>(
            "SELECT (SELECT count(*) FROM orleans_membership WHERE deployment_id = $1) + (SELECT count(*) FROM orleans_membership_version WHERE deployment_id = $1)",
            doomedCluster.Id));
        var kept = await other.ReadAllAsync();
        Assert.Equal((1, 1), (kept.Version.Version, kept.Members.Count));
    }
}
