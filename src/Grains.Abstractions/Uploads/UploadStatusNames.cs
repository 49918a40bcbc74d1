namespace Grains.Uploads;

/// <summary>Upload statuses as stored and as the API shows them: <c>PENDING_UPLOAD</c>, <c>UPLOADED</c>, ….</summary>
public static class UploadStatusNames
{
    public static string Of(UploadStatus status) => status switch
    {
        UploadStatus.PendingUpload => "PENDING_UPLOAD",
        UploadStatus.Uploaded => "UPLOADED",
        UploadStatus.Processing => "PROCESSING",
        UploadStatus.Valid => "VALID",
        UploadStatus.Rejected => "REJECTED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static UploadStatus Parse(string name)
    {
        foreach (var status in Enum.GetValues<UploadStatus>())
        {
            if (string.Equals(Of(status), name, StringComparison.Ordinal))
            {
                return status;
            }
        }

        throw new FormatException($"Unknown upload status '{name}'.");
    }
}
