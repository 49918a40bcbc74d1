-- Uploads (case C9): one row per upload, its declaration, where its bytes are and the validation's verdict. The bytes
-- themselves are in the blob store (`blob_key`). `owner_id` is indexed for a customer's uploads; `status` values are
-- the API's (PENDING_UPLOAD, UPLOADED, PROCESSING, VALID, REJECTED).
CREATE TABLE uploads (
    id             text        PRIMARY KEY,
    owner_id       text        NOT NULL,
    file_name      text        NOT NULL,
    content_type   text        NOT NULL,
    declared_size  bigint      NOT NULL CHECK (declared_size > 0),
    status         text        NOT NULL,
    expires_at     timestamptz NOT NULL,
    blob_key       text        NULL,
    size           bigint      NULL,
    sha256         text        NULL,
    reason         text        NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    etag           bigint      NOT NULL
);

CREATE INDEX uploads_by_owner ON uploads (owner_id, created_at);
