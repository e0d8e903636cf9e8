"""A bot that answers questions about one article from a hand-written FAQ.

The map, by floor (each folder imports only the floors below it; front ends never import each
other, and `tests/test_layering.py` checks it):

- `bot/host/`: the process that hosts the front ends: one bounded HTTP server for the routes of
  all of them (the page, `/wechat`, Telegram's webhook), signals, FAQ reloading and the store
  (`python -m bot web`).
- `bot/tg/` (Telegram), `bot/web/` (the web chat page) and `bot/wechat/` (a WeChat Official
  Account): the front ends. Each reads what a person sends and renders the conversation's
  replies; none imports another.
- `bot/ops/` (operations): the command line, settings, logs, health, reports, the /stats chart,
  the accuracy evaluation, and what every serving process does with the FAQ.
- `bot/conversation/`: what a turn means given the turns before it: the one conversation layer
  every front end goes through (language, what was offered, the last answer, the usage log).
- `bot/storage/`: the store interface with its SQLite and PostgreSQL backends and migrations.
- `bot/core/` (the answering core): normalising, the FAQ's index, scoring, deciding, and shaping
  the reply. It imports no front end and no database.
- `bot/faq/`: the FAQ's schema and loading, diffs, reviews of uploads, and reloads.
- `bot/language.py` and `bot/texts.py`: the two languages and every interface text, shared by all.

`python -m bot` (`bot/__main__.py`) parses the command line and hands over to `bot.ops.cli`,
`bot.tg.runner` or `bot.host.web`.
"""
