-- Update ids are each bot's own and start again with a new token: the inbox keys them by bot.
-- Rows from before have bot 0 and are taken over by the first bot that looks for left-overs.
ALTER TABLE inbox ADD COLUMN bot BIGINT NOT NULL DEFAULT 0;
ALTER TABLE inbox DROP CONSTRAINT inbox_pkey;
ALTER TABLE inbox ADD PRIMARY KEY (bot, update_id);
DROP INDEX inbox_open;
CREATE INDEX inbox_open ON inbox (bot, done) WHERE done IS NULL;
