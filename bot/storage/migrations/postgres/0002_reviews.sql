-- An FAQ file an admin uploaded (or a version to roll back to), checked and waiting for Apply.
CREATE TABLE reviews (
    id BIGSERIAL PRIMARY KEY,
    admin BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    expires TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    base TEXT NOT NULL,
    summary TEXT NOT NULL,
    rollback_of INTEGER,
    body BYTEA NOT NULL
);
