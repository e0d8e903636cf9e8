"""The answering core: from a person's text to a decision and a reply, as plain values.

Normalising and cutting text (`normalise`, `segmenter`, `labels`), the index of the FAQ's terms
(`index`), scoring and deciding (`matching`, `tuning`, `decision`), what was asked (`focus`), what
the article leaves out (`gaps`), small talk (`smalltalk`), the reply's shape (`reply`), and the
FAQ with its matcher as one swappable value (`brain`). Imports no front end and no database."""
