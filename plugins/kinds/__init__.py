"""Built-in step kinds, registered through the `pipedsl` entry-point group."""
