"""Running and watching the bot: the command line (`cli`), settings from the environment
(`settings`), logs, health, usage reports and the /stats chart, and the accuracy evaluation."""
