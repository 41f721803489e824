"""A native-Python Kinesis source, following Java KinesisIO's model. Beam's own ``apache_beam.io.kinesis`` is
cross-language (a Java expansion service and Java workers); this one reads with boto3 on the Python workers.
One module per concern; import from the module that defines a name:

- `settings`: ``KinesisSettings`` (stream, endpoint, initial position, bounds; the boto3 client) and Kinesis limits;
- `restriction`: the read state of a stream (``KinesisRestriction``) and its tracker: claims and checkpoints;
- `shard_reader`: ``ShardReader``, the plain shard-reading logic: resharding, limits, retries, watermark;
- `deaggregation`: KPL aggregated records to their user records;
- `source`: ``ReadFromKinesis``, the splittable DoFn over the parts above.
"""
