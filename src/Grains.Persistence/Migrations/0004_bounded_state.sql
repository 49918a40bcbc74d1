-- Bounded grain state: what an activation loads no longer grows with its history.

-- A wallet activation loads its recent movements (its dedupe window) and the history is paged newest first; both
-- read this index rather than every movement.
CREATE INDEX wallet_entries_by_time ON wallet_entries (user_id, created_at DESC, reference DESC);

-- Coupons move from Orleans' JSON storage to typed rows: one row per coupon that never grows, one row per use.
-- `uses` counts the coupon's use rows and is kept by the statements that add and remove them, so the CHECK refuses
-- any write that would take more uses than the limit, whatever the grain computed.
CREATE TABLE coupons (
    code         text        PRIMARY KEY,
    percent_off  integer     NOT NULL CHECK (percent_off BETWEEN 0 AND 100),
    amount_off   bigint      NOT NULL CHECK (amount_off >= 0),
    usage_limit  integer     NOT NULL CHECK (usage_limit > 0),
    expires_at   timestamptz NOT NULL,
    uses         integer     NOT NULL DEFAULT 0,
    etag         bigint      NOT NULL,
    CHECK (uses BETWEEN 0 AND usage_limit)
);

-- A use held for an unpaid order, or committed once it is paid (a committed use stays as its record). One per order.
CREATE TABLE coupon_uses (
    code        text        NOT NULL REFERENCES coupons (code) ON DELETE CASCADE,
    order_id    text        NOT NULL,
    discount    bigint      NOT NULL CHECK (discount >= 0),
    hold_until  timestamptz NOT NULL,
    committed   boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (code, order_id)
);

-- What an activation loads: the open holds only.
CREATE INDEX coupon_uses_open ON coupon_uses (code) WHERE NOT committed;

-- The periodic purge finds expired keys by when they last changed (completed_at is null while in flight).
CREATE INDEX idempotency_keys_by_age ON idempotency_keys ((coalesce(completed_at, started_at)));
