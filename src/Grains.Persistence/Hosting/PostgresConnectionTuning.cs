using System.Data.Common;
using Npgsql;

namespace Grains.Persistence.Hosting;

/// <summary>
/// How every pool of ours talks to PostgreSQL, unless the connection string says otherwise: Npgsql prepares the few
/// statements each pool runs over and over (64 at most), and a connection going back to the pool is not reset. The
/// reset is a round trip of its own on the next use (DISCARD ALL, or a longer form once statements are prepared), which
/// PostgreSQL counts as a transaction: the order path paid about six of them per order, more than its own writes.
/// Nothing here sets session state (no SET, LISTEN, temporary tables or session locks), so there is nothing to reset.
/// </summary>
public static class PostgresConnectionTuning
{
    public static string Apply(string connectionString)
    {
        // Npgsql's own builder says it "contains" every keyword it knows, set or not: ask a plain one what was written.
        var written = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!written.ContainsKey("No Reset On Close") && !written.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }
}
