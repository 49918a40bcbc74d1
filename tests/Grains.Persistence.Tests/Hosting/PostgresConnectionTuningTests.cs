using Grains.Persistence.Hosting;
using Npgsql;

namespace Grains.Persistence.Tests.Hosting;

public sealed class PostgresConnectionTuningTests
{
    [Fact]
    public void A_plain_connection_string_gets_prepared_statements_and_no_reset_on_close()
    {
        var tuned = new NpgsqlConnectionStringBuilder(PostgresConnectionTuning.Apply("Host=127.0.0.1;Port=5432;Database=commerce"));

        Assert.Equal((64, true), (tuned.MaxAutoPrepare, tuned.NoResetOnClose));
        Assert.Equal(("127.0.0.1", 5432, "commerce"), (tuned.Host, tuned.Port, tuned.Database));
    }

    [Theory]
    [InlineData("Host=h;No Reset On Close=false;Max Auto Prepare=5")]
    [InlineData("Host=h;NoResetOnClose=False;MaxAutoPrepare=5")]
    public void What_the_connection_string_says_is_kept(string connectionString)
    {
        var tuned = new NpgsqlConnectionStringBuilder(PostgresConnectionTuning.Apply(connectionString));

        Assert.Equal((5, false), (tuned.MaxAutoPrepare, tuned.NoResetOnClose));
    }
}
