"""The web chat page: the same conversation as on Telegram, for readers who cannot reach Telegram.

`app` builds the Starlette application (the page, its static files, the JSON endpoint it talks to,
and any routes mounted from elsewhere); `rendering` turns the conversation's replies into JSON,
`page` fills the page's HTML, `sessions` turns an anonymous session id into a conversation, and
`limits` keeps one reader or one address from flooding it. No conversation state here: it all
lives in the conversation layer and the store. Imports no other front end.
"""
