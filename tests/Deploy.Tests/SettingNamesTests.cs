namespace Deploy.Tests;

/// <summary>The list the deploy files are checked against is read from the documentation, so it must read it right.</summary>
public sealed class SettingNamesTests
{
    [Theory]
    [InlineData("ConnectionStrings__Postgres")] // a table row
    [InlineData("Endpoints__AdvertisedIPAddress")]
    [InlineData("POD_NAMESPACE")] // the hosts' and Kubernetes' own variables
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("DOTNET_ENVIRONMENT")]
    [InlineData("RateLimits__Orders__Burst")] // "`RateLimits__Orders__TokensPerPeriod`, `…__Period`, `…__Burst`"
    [InlineData("ForwardedHeaders__KnownProxies__3")] // any list index
    [InlineData("Commerce__WalletDedupeWindow")] // prose, not a table
    [InlineData("Membership__ProbeTimeout")] // "`Membership__ProbeTimeout=00:00:02`"
    [InlineData("Merchant__IpnUrl")] // docs/payment-gateway.md, "`Merchant:IpnUrl`"
    [InlineData("Urls")]
    [InlineData("Outbox__Shards")] // the silos' events
    [InlineData("Outbox__PurgeBatchSize")] // "`Outbox__Retention`, `…__PurgePeriod`, `…__PurgeBatchSize`"
    [InlineData("RabbitMq__PublishTimeout")]
    [InlineData("RabbitMq__Consumer__Queue")] // the notifications worker
    [InlineData("Smtp__SecureSocketOptions")]
    [InlineData("Notifications__RefundDeskAddress")]
    [InlineData("OTEL_SERVICE_NAME")] // observability
    [InlineData("BlobStorage__Path")] // files
    [InlineData("BlobStorage__S3__SecretKey")] // "`BlobStorage__S3__AccessKey`, `BlobStorage__S3__SecretKey`"
    public void A_documented_setting_is_known(string name)
    {
        Assert.True(SettingNames.IsKnown(name), $"{name} should be read from the documentation");
    }

    [Theory]
    [InlineData("VnPay__HashSecrett")]
    [InlineData("Endpoints__AdvertisedIpAddress")] // configuration keys are case-insensitive, but a variable spelt another way is a slip
    [InlineData("RateLimits__Burst")]
    [InlineData("ForwardedHeaders__KnownProxies")]
    [InlineData("ASPNETCORE_FORWARDEDHEADERS_ENABLED")] // documented as never to be set
    public void A_misspelt_or_forbidden_setting_is_not(string name)
    {
        Assert.False(SettingNames.IsKnown(name), $"{name} should not pass");
    }
}
