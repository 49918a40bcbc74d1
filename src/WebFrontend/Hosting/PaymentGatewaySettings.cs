using Grains.Payments;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace WebFrontend.Hosting;

public static class PaymentGatewaySettings
{
    /// <summary>
    /// The "VnPay" section: the front end checks the gateway's IPN and return checksums with its hash secret; in the
    /// embedded mode the in-process silo uses the whole section. Missing settings stop the start, not the first payment.
    /// </summary>
    public static void AddPaymentGatewaySettings(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<VnPayOptions>().BindConfiguration(VnPayOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VnPayOptions>, VnPayOptionsValidator>());
    }
}
