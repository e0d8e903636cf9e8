"""The Telegram front end: the application and its services, handlers for messages, buttons and
admin commands, HTML and keyboards (`markup`), the durable inbox, patient delivery, the webhook,
and the runner that starts it all. Thin: the answering is done below."""
