"""Text to IR: reading files, tokens, the parser, the IR node classes."""
