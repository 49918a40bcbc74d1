namespace CustomerNotifications.Mail;

/// <summary>The mail server refused a mail permanently (a 5xx reply to its recipient): sending it again cannot help.</summary>
public sealed class UndeliverableMailException : Exception
{
    public UndeliverableMailException()
    {
    }

    public UndeliverableMailException(string message) : base(message)
    {
    }

    public UndeliverableMailException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
