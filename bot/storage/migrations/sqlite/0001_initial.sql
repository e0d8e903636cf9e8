-- Times are seconds since the epoch, UTC. User ids of the usage log and of votes are a
-- keyed hash; conversation state keeps the ids it needs to work, and expires.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    kind TEXT NOT NULL,
    chat_type TEXT NOT NULL,
    lang TEXT NOT NULL,
    question TEXT NOT NULL,
    entry_id TEXT,
    candidates TEXT NOT NULL,
    user TEXT NOT NULL
);
CREATE INDEX events_at ON events (at);

CREATE TABLE answers (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    lang TEXT NOT NULL,
    kind TEXT NOT NULL,
    entry_id TEXT,
    user_id INTEGER,
    question_message_id INTEGER,
    at REAL NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX answers_question ON answers (chat_id, question_message_id);
CREATE INDEX answers_at ON answers (at);

CREATE TABLE votes (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    user TEXT NOT NULL,
    vote INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (chat_id, message_id, user)
);

CREATE TABLE choices (
    chat_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    options TEXT NOT NULL,
    lang TEXT NOT NULL,
    question TEXT NOT NULL,
    expires REAL NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);

CREATE TABLE languages (
    user_id INTEGER PRIMARY KEY,
    lang TEXT NOT NULL,
    at REAL NOT NULL
);

CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    payload TEXT,
    received REAL NOT NULL,
    holder TEXT,
    until REAL,
    done REAL
);
CREATE INDEX inbox_open ON inbox (done, until);

CREATE TABLE versions (
    number INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    author TEXT NOT NULL,
    summary TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    body BLOB NOT NULL
);
