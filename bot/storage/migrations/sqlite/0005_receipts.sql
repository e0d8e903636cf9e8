-- Messages from a channel that sends again what it got no reply to in time (WeChat resends a message
-- up to three times): one row per message, taken by the process answering it and settled with the
-- reply it gave, so that a resend reaching any process is answered once, with the same reply. The
-- key names the message (WeChat's MsgId, or the sender's hash and the time of an event), never a
-- person in the clear.
CREATE TABLE receipts (
    key TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    at REAL NOT NULL,
    settled INTEGER NOT NULL DEFAULT 0,
    reply TEXT
);
CREATE INDEX receipts_at ON receipts (at);
