"""The SPARQL query service: vetting, the protocol, the worker pool, answers (see README.md)."""
