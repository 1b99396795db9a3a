"""Pure roadmap engine: model -> load -> validate -> render. Imports no MkDocs."""
