"""The sandbox: student code in a separate process, reached only through plain data."""
