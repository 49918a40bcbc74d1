using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;

namespace Benchmarks;

/// <summary>
/// Orleans' membership table after a run: a silo that is Dead although nobody killed it was declared dead by its peers
/// while it lived (a false death declaration: its grains were moved and its calls refused). Read while every silo
/// still runs: a silo that shuts down gracefully marks itself Dead too.
/// </summary>
public sealed class MembershipCheck
{
    private const int Active = 3;
    private const int Dead = 6;

    private static readonly string[] s_statusNames = ["None", "Created", "Joining", "Active", "ShuttingDown", "Stopping", "Dead"];

    private MembershipCheck(IReadOnlyList<Member> members, IReadOnlyCollection<string> killed)
    {
        Members = members;
        Killed = killed;
        FalselyDead = [.. members.Where(m => m.Status == Dead && !killed.Contains(m.SiloName)).Select(m => m.SiloName)];
        KilledNotDead = [.. killed.Where(name => !members.Any(m => m.SiloName == name && m.Status == Dead))];
        NotActive = [.. members.Where(m => m.Status != Active && m.Status != Dead).Select(m => m.SiloName)];
    }

    public IReadOnlyList<Member> Members { get; }

    public IReadOnlyCollection<string> Killed { get; }

    /// <summary>Silos marked Dead that the benchmark did not kill: false death declarations.</summary>
    public IReadOnlyList<string> FalselyDead { get; }

    /// <summary>Killed silos the cluster has not declared dead (yet).</summary>
    public IReadOnlyList<string> KilledNotDead { get; }

    /// <summary>Silos neither Active nor Dead (joining, shutting down).</summary>
    public IReadOnlyList<string> NotActive { get; }

    public bool Passed => FalselyDead.Count == 0;

    /// <summary>Reads the table and prints it; <paramref name="killed"/> names the silos the benchmark killed (Silo:Name).</summary>
    public static async Task<MembershipCheck> ReadAsync(string connectionString, IReadOnlyCollection<string>? killed = null)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            SELECT silo_name, address, port, generation, status, coalesce(suspect_times, ''), i_am_alive_time
            FROM orleans_membership ORDER BY silo_name, generation
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var members = new List<Member>();
        while (await reader.ReadAsync())
        {
            members.Add(new Member(reader.GetString(0), $"{reader.GetString(1)}:{reader.GetInt32(2)}", reader.GetInt32(3), reader.GetInt32(4), reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6)));
        }

        var check = new MembershipCheck(members, killed ?? []);
        check.Print();
        return check;
    }

    public JsonObject ToJson() => new()
    {
        ["passed"] = Passed,
        ["killed"] = new JsonArray([.. Killed.Select(k => JsonValue.Create(k))]),
        ["falsely_dead"] = new JsonArray([.. FalselyDead.Select(k => JsonValue.Create(k))]),
        ["members"] = new JsonArray([.. Members.Select(m => (JsonNode)new JsonObject
        {
            ["silo"] = m.SiloName,
            ["endpoint"] = m.Endpoint,
            ["status"] = StatusName(m.Status),
            ["suspicions"] = m.SuspectTimes.Length == 0 ? 0 : m.SuspectTimes.Split('|', StringSplitOptions.RemoveEmptyEntries).Length,
        })]),
    };

    private void Print()
    {
        var silos = string.Join(", ", Members.Select(m =>
            $"{m.SiloName} {StatusName(m.Status)}{(m.SuspectTimes.Length > 0 ? $" (suspected: {m.SuspectTimes})" : "")}"));
        Console.WriteLine($"  membership: {silos}");
        if (FalselyDead.Count > 0)
        {
            Console.WriteLine($"  FALSE DEATH DECLARATION: {string.Join(", ", FalselyDead)} declared dead but not killed by the benchmark");
        }

        if (KilledNotDead.Count > 0)
        {
            Console.WriteLine($"  killed but not declared dead: {string.Join(", ", KilledNotDead)}");
        }
    }

    private static string StatusName(int status)
        => status >= 0 && status < s_statusNames.Length ? s_statusNames[status] : status.ToString(CultureInfo.InvariantCulture);

    public sealed record Member(string SiloName, string Endpoint, int Generation, int Status, string SuspectTimes, DateTimeOffset IAmAliveTime);
}
