"""The commands, one module per group: each parses its options, calls the core and io, renders, and ends
with its result's ``return_code`` (``cli.app`` registers them on the typer app)."""
