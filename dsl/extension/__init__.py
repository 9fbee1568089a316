"""The contract for plugins: step kinds (fields, request layouts, the contexts they receive), emitters, hook specifications, the registry."""
