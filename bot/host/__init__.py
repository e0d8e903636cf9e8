"""The process that hosts the front ends: one HTTP server for all of them, and what they share.

`server` runs one uvicorn server, bounded (a connection cap, a deadline for each request head,
idle connections closed), for the routes every front end contributes; `web` is
`python -m bot web`: the FAQ (reloaded on change and on SIGHUP), the store, and the web page on
`WEB_HOST`:`WEB_PORT` (with `/wechat` beside it when WECHAT_TOKEN is set). This floor sits above
the front ends, so it may import each of them; none of them imports it.
"""
