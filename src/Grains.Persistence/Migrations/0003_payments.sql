-- Payments (one row per gateway session, its reports in payment_events) and the transactional outbox.

ALTER TABLE orders
    ADD COLUMN payment_id             text        NULL,
    ADD COLUMN pay_url                text        NULL,
    ADD COLUMN payment_transaction_no text        NULL,
    ADD COLUMN paid_at                timestamptz NULL,
    ADD COLUMN refund_requested       boolean     NOT NULL DEFAULT false;

-- No foreign key to orders: the saga opens the payment before it writes the order.
CREATE TABLE payments (
    id                 text        PRIMARY KEY,
    order_id           text        NOT NULL,
    status             text        NOT NULL,
    amount             bigint      NOT NULL,
    currency           text        NOT NULL,
    order_info         text        NOT NULL,
    pay_url            text        NOT NULL,
    gateway_created_at text        NOT NULL,
    created_at         timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    transaction_no     text        NULL,
    paid_at            timestamptz NULL,
    order_confirmed    boolean     NOT NULL,
    etag               bigint      NOT NULL
);

CREATE INDEX payments_by_order ON payments (order_id);

-- Every distinct report from the gateway (IPN or status query). The unique key is the dedupe rule: a transaction's
-- outcome is recorded once however many times it is reported. `applied` is false for a report recorded and ignored.
CREATE TABLE payment_events (
    payment_id         text        NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    sequence           integer     NOT NULL,
    source             text        NOT NULL,
    transaction_no     text        NOT NULL,
    response_code      text        NOT NULL,
    transaction_status text        NOT NULL,
    amount             bigint      NULL,
    applied            boolean     NOT NULL,
    received_at        timestamptz NOT NULL,
    PRIMARY KEY (payment_id, sequence),
    UNIQUE (payment_id, transaction_no, response_code, transaction_status)
);

-- Events for the outside world, written in the transaction of the change that raised them; a relay publishes them
-- at least once (case C18). `dedupe_key` makes a once-only event (one "paid" e-mail per order) impossible to repeat.
CREATE TABLE outbox (
    id             uuid        PRIMARY KEY,
    dedupe_key     text        NOT NULL UNIQUE,
    aggregate_type text        NOT NULL,
    aggregate_id   text        NOT NULL,
    event_type     text        NOT NULL,
    payload        jsonb       NOT NULL,
    occurred_at    timestamptz NOT NULL,
    published_at   timestamptz NULL
);

CREATE INDEX outbox_unpublished ON outbox (occurred_at) WHERE published_at IS NULL;
