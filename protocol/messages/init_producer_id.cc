#include "protocol/messages/init_producer_id.h"

#include "protocol/messages/body_codec.h"

namespace cairn::protocol {

using body_codec::done;
using body_codec::read_error;
using body_codec::write_error;

void InitProducerIdRequest::encode(Encoder& e, uint16_t version) const {
  e.write_string(transactional_id);
  e.write<int32_t>(transaction_timeout_ms);
  if (version < 1) return;
  e.write<int64_t>(producer_id);
  e.write<int16_t>(producer_epoch);
}

Result<InitProducerIdRequest> InitProducerIdRequest::decode(Bytes body, uint16_t version) {
  Decoder d(body);
  InitProducerIdRequest r;
  r.transactional_id = d.read_string("transactional id");
  r.transaction_timeout_ms = d.read<int32_t>("transaction timeout");
  if (version >= 1) {
    r.producer_id = d.read<int64_t>("producer id");
    r.producer_epoch = d.read<int16_t>("producer epoch");
  }
  return done(d, std::move(r), "InitProducerId request");
}

void InitProducerIdResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write<int64_t>(producer_id);
  e.write<int16_t>(producer_epoch);
}

Result<InitProducerIdResponse> InitProducerIdResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  InitProducerIdResponse r;
  r.error = read_error(d);
  r.producer_id = d.read<int64_t>("producer id");
  r.producer_epoch = d.read<int16_t>("producer epoch");
  return done(d, r, "InitProducerId response");
}

}  // namespace cairn::protocol
