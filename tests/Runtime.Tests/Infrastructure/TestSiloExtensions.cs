using Microsoft.Extensions.DependencyInjection;
using Runtime.Reminders;
using Runtime.TestingHost;

namespace Runtime.Tests.Infrastructure;

public static class TestSiloExtensions
{
    public static IReminderTable ReminderTable(this TestSilo silo) => silo.Services.GetRequiredService<IReminderTable>();
}
