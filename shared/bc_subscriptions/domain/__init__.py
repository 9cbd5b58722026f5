"""Pure domain rules: no I/O, no AWS, no HTTP. Imports only the stdlib and msgspec."""
