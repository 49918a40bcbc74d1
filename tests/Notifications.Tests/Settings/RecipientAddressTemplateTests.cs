using CustomerNotifications.Recipients;

namespace Notifications.Tests.Settings;

public sealed class RecipientAddressTemplateTests
{
    [Theory]
    [InlineData("{customer_id}@customers.example.com", "alice", "alice@customers.example.com")]
    [InlineData("shop+{customer_id}@mail.example.com", "Bob_2-x", "shop+Bob_2-x@mail.example.com")]
    public void A_template_with_the_placeholder_in_the_mailbox_name_makes_each_customer_address(string text, string customerId, string address)
    {
        Assert.True(RecipientAddressTemplate.TryParse(text, out var template, out var error), error);

        Assert.Equal(address, template.AddressOf(customerId).Address);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData(" ", "empty")]
    [InlineData("customers.example.com", "exactly once")]
    [InlineData("{customer_id}.{customer_id}@example.com", "exactly once")]
    [InlineData("someone@{customer_id}.example.com", "before the '@'")]
    [InlineData("{customer_id}", "before the '@'")]
    [InlineData("{customer_id}@", "does not form an e-mail address")]
    [InlineData("{customer_id} x@example.com", "does not form an e-mail address")]
    [InlineData("Customer <{customer_id}@example.com>", "does not form an e-mail address")]
    [InlineData("{customer_id}@example.com, other@example.com", "does not form an e-mail address")]
    public void A_template_that_cannot_make_addresses_is_refused_with_the_reason(string? text, string reason)
    {
        Assert.False(RecipientAddressTemplate.TryParse(text, out _, out var error));

        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a@b")]
    [InlineData("with space")]
    [InlineData("dot.ted")]
    [InlineData("ünicode")]
    public void A_customer_id_the_api_never_issues_has_no_address(string customerId)
    {
        Assert.True(RecipientAddressTemplate.TryParse("{customer_id}@customers.example.com", out var template, out _));

        Assert.Throws<FormatException>(() => template.AddressOf(customerId));
    }
}
