CREATE TABLE events (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The summary reads a window of recent days.
CREATE INDEX events_created_at_idx ON events (created_at);
