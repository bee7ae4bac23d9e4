CREATE TABLE comments (
    id bigserial PRIMARY KEY,
    -- A post's comments go with it.
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX comments_post_id_idx ON comments (post_id);
