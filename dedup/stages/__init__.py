"""The stages, in data-flow order: load, normalize, segment, fingerprint, candidates, verify
(paragraphs; documents: evidence and the verifier), cluster, boilerplate (patterns,
templates). Pure functions over records and typed tables: no printing, no exits."""
