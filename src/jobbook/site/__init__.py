"""The jobbook MkDocs plugin and the HTML post-processing it applies."""
