-- Update ids are each bot's own and start again with a new token: the inbox keys them by bot.
-- Rows from before have bot 0 and are taken over by the first bot that looks for left-overs.
CREATE TABLE inbox_per_bot (
    bot INTEGER NOT NULL,
    update_id INTEGER NOT NULL,
    payload TEXT,
    received REAL NOT NULL,
    holder TEXT,
    done REAL,
    PRIMARY KEY (bot, update_id)
);
INSERT INTO inbox_per_bot (bot, update_id, payload, received, holder, done)
    SELECT 0, update_id, payload, received, holder, done FROM inbox;
DROP TABLE inbox;
ALTER TABLE inbox_per_bot RENAME TO inbox;
CREATE INDEX inbox_open ON inbox (bot, done);
