"""Snowplow-compatible stream collector: HTTP in, Thrift ``CollectorPayload`` records out.

The pieces, each usable on its own:

- :mod:`collector.config`: the settings (one dataclass, from CLI flags and/or a JSON file);
- :mod:`collector.core`: request handling as plain functions (routes, cookies, payload, sizes);
- :mod:`collector.badrows`: the ``size_violation`` bad row;
- :mod:`collector.sinks`: the ``file`` and ``kinesis`` sinks behind one interface;
- :mod:`collector.server`: the RSGI application served by granian, and ``run``;
- :mod:`collector.metrics`: Prometheus counters.
"""

__version__ = "0.1.0"
SHORT_NAME = "beam-collector"
