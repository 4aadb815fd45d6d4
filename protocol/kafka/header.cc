#include "protocol/kafka/header.h"

#include <cassert>

namespace cairn::protocol::kafka {

namespace {

// Skips a tagged-field section: none of the headers defines a tagged field.
void skip_tagged_fields(Reader& r) {
  uint32_t count = r.read_uvarint("TaggedFields");
  if (r.ok() && count > r.remaining() / 2) {
    r.fail("TaggedFields", "count " + std::to_string(count) + " cannot fit");
    return;
  }
  for (uint32_t i = 0; i < count && r.ok(); ++i) {
    r.read_uvarint("TaggedFields");
    uint32_t size = r.read_uvarint("TaggedFields");
    r.skip("TaggedFields", size);
  }
}

}  // namespace

RequestHeader read_request_header(Reader& r, int header_version) {
  RequestHeader h;
  h.api_key = r.read_int<int16_t>("RequestApiKey");
  h.api_version = r.read_int<int16_t>("RequestApiVersion");
  h.correlation_id = r.read_int<int32_t>("CorrelationId");
  if (header_version >= 1) {
    auto len = r.read_length("ClientId", /*compact=*/false, /*int16_length=*/true, true);
    if (len) h.client_id = std::string(as_string_view(r.take(*len)));
  }
  if (header_version >= 2) skip_tagged_fields(r);
  return h;
}

Result<DecodedRequestHeader> decode_request_header(Bytes frame) {
  Reader probe(frame);
  int16_t key = probe.read_int<int16_t>("RequestApiKey");
  int16_t version = probe.read_int<int16_t>("RequestApiVersion");
  if (!probe.ok()) return probe.status();
  DecodedRequestHeader out;
  out.api = find_api(key);
  if (out.api == nullptr) {
    return Status::not_found("unknown Kafka API key " + std::to_string(key) + " (version " +
                             std::to_string(version) + ")");
  }
  out.header_version = request_header_version(*out.api, version);
  Reader r(frame);
  out.header = read_request_header(r, out.header_version);
  if (!r.ok()) return r.status();
  out.body_offset = frame.size() - r.remaining();
  return out;
}

void write_request_header(Writer& w, const RequestHeader& h, int header_version) {
  w.write_int<int16_t>(h.api_key);
  w.write_int<int16_t>(h.api_version);
  w.write_int<int32_t>(h.correlation_id);
  if (header_version >= 1) {
    if (h.client_id) {
      assert(h.client_id->size() <= INT16_MAX);
      w.write_int<int16_t>(static_cast<int16_t>(h.client_id->size()));
      w.write_bytes(as_bytes(*h.client_id));
    } else {
      w.write_int<int16_t>(-1);
    }
  }
  if (header_version >= 2) w.write_uvarint(0);
}

Result<ResponseHeader> decode_response_header(Bytes frame, int header_version) {
  Reader r(frame);
  ResponseHeader h;
  h.correlation_id = r.read_int<int32_t>("CorrelationId");
  if (header_version >= 1) skip_tagged_fields(r);
  if (!r.ok()) return r.status();
  h.body_offset = frame.size() - r.remaining();
  return h;
}

void write_response_header(Writer& w, int32_t correlation_id, int header_version) {
  w.write_int<int32_t>(correlation_id);
  if (header_version >= 1) w.write_uvarint(0);
}

}  // namespace cairn::protocol::kafka
