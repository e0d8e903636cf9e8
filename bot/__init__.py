"""A bot that answers questions about one article from a hand-written FAQ.

The map, by floor (each folder imports only the floors below it; front ends never import each
other, and `tests/test_layering.py` checks it):

- `bot/tg/` (Telegram): the front end on top. It reads updates and renders replies.
- `bot/ops/` (operations): the command line, settings, logs, health, reports, the /stats chart,
  and the accuracy evaluation.
- `bot/conversation/`: what a turn means given the turns before it: the one conversation layer
  every front end goes through (language, what was offered, the last answer, the usage log).
- `bot/storage/`: the store interface with its SQLite and PostgreSQL backends and migrations.
- `bot/core/` (the answering core): normalising, the FAQ's index, scoring, deciding, and shaping
  the reply. It imports no front end and no database.
- `bot/faq/`: the FAQ's schema and loading, diffs, reviews of uploads, and reloads.
- `bot/language.py` and `bot/texts.py`: the two languages and every interface text, shared by all.
- `bot/wechat/` (a WeChat Official Account) is a front end on the top floor beside Telegram, served as
  routes of the program's web server: WeChat's signed XML in, passive replies and customer-service
  messages out.

`python -m bot` (`bot/__main__.py`) parses the command line and hands over to `bot.ops.cli` or
`bot.tg.runner`.
"""
