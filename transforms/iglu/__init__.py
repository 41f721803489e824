"""Iglu, as plain Python (no Beam imports), following the Iglu Scala client that Snowplow enrich uses. One module
per concern; import from the module that defines a name:

- `keys`: Iglu URIs (``SchemaKey``, ``SchemaCriterion``), the one parser of them;
- `registries`: where schemas are read from (embedded, local and HTTP repositories) and how each is retried;
- `resolver`: ``Resolver``: the resolver config, lookup order, caches, system errors, ``$supersededBy``;
- `errors`: ``IgluSystemError``, ``SchemaNotFound``;
- `compiled_schema`: a schema compiled once, bounded format checks, the data reports of a failure;
- `validator`: ``Validator``: self-describing JSON to ``schema_violations`` failure messages.
"""
