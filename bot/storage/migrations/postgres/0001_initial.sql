-- The store on PostgreSQL, shared by every replica. Times are timestamptz. User ids of the
-- usage log and of votes are a keyed hash; the key is kept here so that every replica uses it.
CREATE TABLE store_settings (
    name TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    kind TEXT NOT NULL,
    chat_type TEXT NOT NULL,
    lang TEXT NOT NULL,
    question TEXT NOT NULL,
    entry_id TEXT,
    candidates TEXT NOT NULL,
    "user" TEXT NOT NULL
);
CREATE INDEX events_at ON events (at);

CREATE TABLE answers (
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    question TEXT NOT NULL,
    lang TEXT NOT NULL,
    kind TEXT NOT NULL,
    entry_id TEXT,
    user_id BIGINT,
    question_message_id BIGINT,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX answers_question ON answers (chat_id, question_message_id);
CREATE INDEX answers_at ON answers (at);

CREATE TABLE votes (
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    "user" TEXT NOT NULL,
    vote SMALLINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (chat_id, message_id, "user")
);

CREATE TABLE choices (
    chat_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    options TEXT NOT NULL,
    lang TEXT NOT NULL,
    question TEXT NOT NULL,
    expires TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);

CREATE TABLE languages (
    user_id BIGINT PRIMARY KEY,
    lang TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);

-- The durable inbox: one row per update id, whichever replica received it.
CREATE TABLE inbox (
    update_id BIGINT PRIMARY KEY,
    payload TEXT,
    received TIMESTAMPTZ NOT NULL,
    holder TEXT,
    done TIMESTAMPTZ
);
CREATE INDEX inbox_open ON inbox (done) WHERE done IS NULL;

-- Replicas alive: each one says so every few seconds; the claims of one that stopped saying so
-- are taken over by the others.
CREATE TABLE holders (
    name TEXT PRIMARY KEY,
    seen TIMESTAMPTZ NOT NULL
);

CREATE TABLE versions (
    number INTEGER PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    author TEXT NOT NULL,
    summary TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    body BYTEA NOT NULL
);
