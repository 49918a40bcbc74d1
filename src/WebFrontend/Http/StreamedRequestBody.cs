namespace WebFrontend.Http;

/// <summary>
/// An endpoint that streams its body itself, past the front end's body limit (DeclaredBodySizeMiddleware) and never
/// through anything that buffers it: it sets its own limit (an upload's content, UploadEndpoints).
/// </summary>
public sealed class StreamedRequestBody;
