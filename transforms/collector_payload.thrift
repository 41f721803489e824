// Snowplow's CollectorPayload, as the stream collector writes it to the raw stream
// (snowplow/snowplow collector-payload-1). Field ids are the wire contract: never renumber.
// `body` is declared binary (the wire encoding of Thrift string and binary is identical) so that
// a body that is not valid UTF-8 decodes to the same Python type, bytes, every time.
namespace java com.snowplowanalytics.snowplow.CollectorPayload.thrift.model1

struct CollectorPayload {
  31337: string schema

  100: string ipAddress

  200: i64 timestamp
  210: string encoding
  220: string collector

  300: optional string userAgent
  310: optional string refererUri
  320: optional string path
  330: optional string querystring
  340: optional binary body
  350: optional list<string> headers
  360: optional string contentType

  400: optional string hostname
  410: optional string networkUserId
}
