-- One conversation layer for every front end (Telegram, the console, later the web and WeChat):
-- what a conversation remembers between turns is one JSON document per conversation key
-- (`telegram:<chat>:<user>`), kept until it expires; the language a person writes in is keyed by
-- channel and person (`telegram:<user>`), so that people of other channels fit. The pending
-- choices and the languages by Telegram user id move there.
CREATE TABLE dialogues (
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    expires TIMESTAMPTZ NOT NULL
);
CREATE INDEX dialogues_expires ON dialogues (expires);

CREATE TABLE people (
    key TEXT PRIMARY KEY,
    lang TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
INSERT INTO people (key, lang, at) SELECT 'telegram:' || user_id::text, lang, at FROM languages;
DROP TABLE languages;
DROP TABLE choices;

-- The numbered options a reply offered (`entry:<id>`, `line:<id>`), JSON: a number sent as a reply
-- to that message picks from them, for whoever sends it.
ALTER TABLE answers ADD COLUMN options TEXT;

-- Where a turn happened, so that statistics can be split by front end.
ALTER TABLE events ADD COLUMN channel TEXT NOT NULL DEFAULT 'telegram';
