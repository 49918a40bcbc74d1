using Grains.Payments;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace WebFrontend.Hosting;

public static class PaymentGatewaySettings
{
    /// <summary>
    /// The "VnPay" section: the front end checks the gateway's IPN and return checksums with its hash secret; in
    /// embedded mode the in-process silo uses the whole section. Missing settings stop the start, not the first payment.
    /// </summary>
    public static void AddPaymentGatewaySettings(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new VnPayOptions();
        builder.Configuration.GetSection(VnPayOptions.SectionName).Bind(options);
        options.Validate();
        builder.Services.TryAddSingleton(options);
    }
}
