"""The FAQ as data: its schema and loading with every problem by line (`knowledge`), what changed
between two versions (`diff`), an upload's review (`review`) and keeping the served FAQ current
(`reloading`). Below the answering core: whoever builds a served FAQ from a file is handed in."""
