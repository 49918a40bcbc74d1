using System.ComponentModel.DataAnnotations;

namespace Silo;

/// <summary>
/// The silo's own HTTP port, for <c>/metrics</c>, <c>/health/live</c> and <c>/health/ready</c>. Unset (the default), the
/// silo serves no HTTP at all: several silos run on one machine in tests, benchmarks and local-cluster.sh, and a fixed
/// default would collide. <c>ASPNETCORE_URLS</c> is ignored for the same reason (one inherited by every silo would).
/// </summary>
public sealed class SiloHttpOptions
{
    public const string SectionName = "Silo";

    /// <summary>Silo:HttpPort. Listens where the silo port does: the advertised address, or every address with Endpoints:ListenOnAnyHostAddress.</summary>
    [Range(1, 65535)]
    public int? HttpPort { get; set; }
}
