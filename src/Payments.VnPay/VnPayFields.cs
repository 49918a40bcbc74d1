namespace Payments.VnPay;

/// <summary>The names of VNPay's parameters, as they appear in pay URLs, IPN calls and querydr messages.</summary>
public static class VnPayFields
{
    /// <summary>Every VNPay parameter starts with this; only these take part in a checksum.</summary>
    public const string Prefix = "vnp_";

    public const string Version = "vnp_Version";
    public const string Command = "vnp_Command";
    public const string TmnCode = "vnp_TmnCode";
    public const string Amount = "vnp_Amount";
    public const string CurrCode = "vnp_CurrCode";
    public const string TxnRef = "vnp_TxnRef";
    public const string OrderInfo = "vnp_OrderInfo";
    public const string OrderType = "vnp_OrderType";
    public const string Locale = "vnp_Locale";
    public const string ReturnUrl = "vnp_ReturnUrl";
    public const string IpAddr = "vnp_IpAddr";
    public const string CreateDate = "vnp_CreateDate";
    public const string ExpireDate = "vnp_ExpireDate";
    public const string BankCode = "vnp_BankCode";
    public const string BankTranNo = "vnp_BankTranNo";
    public const string CardType = "vnp_CardType";
    public const string PayDate = "vnp_PayDate";
    public const string TransactionNo = "vnp_TransactionNo";
    public const string ResponseCode = "vnp_ResponseCode";
    public const string TransactionStatus = "vnp_TransactionStatus";
    public const string SecureHash = "vnp_SecureHash";
    public const string SecureHashType = "vnp_SecureHashType";
}

/// <summary>Constant values of the protocol.</summary>
public static class VnPayProtocol
{
    public const string Version = "2.1.0";
    public const string PayCommand = "pay";
    public const string QueryCommand = "querydr";
    public const string Currency = "VND";

    /// <summary>VNPay amounts are in the currency's smallest unit times 100 (no decimals: 10,000 VND is "1000000").</summary>
    public const long AmountMultiplier = 100;
}
