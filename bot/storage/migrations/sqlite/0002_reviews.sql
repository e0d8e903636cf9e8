-- An FAQ file an admin uploaded (or a version to roll back to), checked and waiting for Apply.
-- `base` is the SHA-256 of the FAQ file on disk when the review was made: Apply refuses if it changed.
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    admin INTEGER NOT NULL,
    at REAL NOT NULL,
    expires REAL NOT NULL,
    name TEXT NOT NULL,
    base TEXT NOT NULL,
    summary TEXT NOT NULL,
    rollback_of INTEGER,
    body BLOB NOT NULL
);
