-- Reviews whose ids are never reused and cannot be guessed (random tokens), each tied to the
-- SHA-256 of the file it shows (`digest`) and to the FAQ in force when it was made (`base`). A
-- review is kept for a while after it is settled (`state`: open, applying, applied, cancelled,
-- stale, refused, replaced), so that a late press on its buttons is told what became of it.
-- `lessons` (JSON) are the questions a teaching review files. The old `reviews` table is left
-- unused, so that replicas of the previous release keep running during a rolling upgrade.
CREATE TABLE faq_reviews (
    id TEXT PRIMARY KEY,
    admin INTEGER NOT NULL,
    author TEXT NOT NULL,
    kind TEXT NOT NULL,
    at REAL NOT NULL,
    expires REAL NOT NULL,
    name TEXT NOT NULL,
    base TEXT NOT NULL,
    digest TEXT NOT NULL,
    summary TEXT NOT NULL,
    rollback_of INTEGER,
    lessons TEXT NOT NULL,
    body BLOB NOT NULL,
    state TEXT NOT NULL,
    version INTEGER,
    chat_id INTEGER,
    message_id INTEGER
);
CREATE INDEX faq_reviews_admin ON faq_reviews (admin, kind, state);

-- A question /unanswered offers an admin to file, with the entries its buttons name (JSON).
CREATE TABLE cards (
    id TEXT PRIMARY KEY,
    admin INTEGER NOT NULL,
    at REAL NOT NULL,
    expires REAL NOT NULL,
    kind TEXT NOT NULL,
    lang TEXT NOT NULL,
    question TEXT NOT NULL,
    answered TEXT,
    candidates TEXT NOT NULL
);

-- Who put a version in use, by Telegram user id (`author` holds their name as shown).
ALTER TABLE versions ADD COLUMN author_id INTEGER;
