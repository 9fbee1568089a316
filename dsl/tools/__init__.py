"""The language tools: the printer and formatter, import, the language server, highlighting, generated docs tables."""
