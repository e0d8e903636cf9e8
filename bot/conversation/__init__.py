"""The conversation: what a person's turn means given the turns before it (`choosing` reads a
number as a pick from what was offered). No front end in it."""
