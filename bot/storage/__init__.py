"""The bot's state behind one interface (`store`): SQLite by default (`sqlite`), PostgreSQL for
replicas (`postgres`), opened by `open`, with their schema `migrations` and the keyed hash of user
ids (`user_key`)."""
