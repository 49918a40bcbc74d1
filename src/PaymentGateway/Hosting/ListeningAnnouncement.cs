using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace PaymentGateway.Hosting;

/// <summary>
/// Prints the one line a launcher waits for, with the address actually bound: with port 0 only the server knows it.
/// Logs go to stderr, so this is the only thing on stdout.
/// </summary>
public static class ListeningAnnouncement
{
    public const string Prefix = "payment-gateway listening on ";

    public static void AnnounceListeningAddress(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Console.Out.WriteLine(Prefix + string.Join(", ", addresses));
            Console.Out.Flush();
        });
    }
}
