"""The resolved program: vars, expansion, modules, names and types, checks, expression functions,
the evaluation layer (values to definition JSON), local code."""
