"""The conversation: what a person's turn means given the turns before it, for every front end.

`turns` is the way in (`Conversation`: a message in, a `Said` out; taps and votes too), `state`
what a conversation remembers and who it is with, `replies` what is said back (structure, not
markup), `choosing` reads a number as a pick, `intents` reads "more", "wrong" and "thanks". No
front end in it.
"""
