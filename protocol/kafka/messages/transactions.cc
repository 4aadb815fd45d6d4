#include "protocol/kafka/messages/transactions.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(InitProducerIdRequest);
CAIRN_KAFKA_MESSAGE(InitProducerIdResponse);
CAIRN_KAFKA_MESSAGE(AddPartitionsToTxnRequest);
CAIRN_KAFKA_MESSAGE(AddPartitionsToTxnResponse);
CAIRN_KAFKA_MESSAGE(AddOffsetsToTxnRequest);
CAIRN_KAFKA_MESSAGE(AddOffsetsToTxnResponse);
CAIRN_KAFKA_MESSAGE(EndTxnRequest);
CAIRN_KAFKA_MESSAGE(EndTxnResponse);

}  // namespace cairn::protocol::kafka
