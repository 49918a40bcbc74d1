namespace PaymentGateway.PayPage;

/// <summary>Why the pay page refuses a request: a VNPay-style code, what is wrong, and the HTTP status to answer with.</summary>
public sealed record PayPageError(string Code, string Message, int HttpStatus = StatusCodes.Status400BadRequest)
{
    public const string InvalidChecksum = "97";
    public const string InvalidData = "03";
    public const string Expired = "11";
    public const string DuplicateReference = "94";
    public const string OtherError = "99";
}
