// Producer: the facade over the RecordAccumulator (records waiting, per partition) and the Sender
// (its thread, the connection, retries and idempotence). See client/src/record_accumulator.h and
// client/src/sender.h for who owns what on which thread.
#include "cairn/producer.h"

#include <mutex>

#include "client/src/record_accumulator.h"
#include "client/src/sender.h"

namespace cairn::client {

struct Producer::Impl {
  explicit Impl(ProducerConfig c)
      : config(std::move(c)),
        accumulator(std::make_shared<RecordAccumulator>(config)),
        sender(std::make_shared<Sender>(config, accumulator)) {}

  const ProducerConfig config;
  const std::shared_ptr<RecordAccumulator> accumulator;
  const std::shared_ptr<Sender> sender;
  std::mutex close_mu;  // held through close(), so a second close() waits for the first
  bool closed = false;
};

Result<std::unique_ptr<Producer>> Producer::create(ProducerConfig config) {
  if (config.idempotent && config.acks == 0) config.idempotent = false;
  auto impl = std::make_unique<Impl>(std::move(config));
  CAIRN_RETURN_IF_ERROR(impl->sender->connect());
  impl->sender->start();
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Producer::~Producer() { close(); }

Status Producer::send(const ProducerRecord& record, Callback done) {
  using Appended = RecordAccumulator::Appended;
  // The accumulator remembers each topic's partition count: the sender (and its lock) is asked
  // only for a topic's first record.
  auto appended = impl_->accumulator->append(record, 0, done);
  if (appended && *appended == Appended::kPartitionsUnknown) {
    auto partitions = impl_->sender->partitions_of(record.topic);
    if (!partitions) return partitions.error();
    appended = impl_->accumulator->append(record, *partitions, done);
  }
  if (!appended) return appended.error();
  if (*appended == Appended::kWakeSender) impl_->sender->wake();
  return Status::ok();
}

std::future<Result<RecordMetadata>> Producer::send(const ProducerRecord& record) {
  auto promise = std::make_shared<std::promise<Result<RecordMetadata>>>();
  auto future = promise->get_future();
  Status s =
      send(record, [promise](Result<RecordMetadata> r) { promise->set_value(std::move(r)); });
  if (!s.is_ok()) promise->set_value(s);
  return future;
}

Status Producer::flush(std::chrono::milliseconds timeout) {
  Sender& sender = *impl_->sender;
  if (!impl_->accumulator->flush(timeout, [&sender] { sender.wake(); })) {
    return Status::timed_out("flush: records still unacknowledged");
  }
  return Status::ok();
}

void Producer::close() {
  std::lock_guard lock(impl_->close_mu);
  if (impl_->closed) return;
  impl_->closed = true;
  impl_->accumulator->close();
  flush(impl_->config.delivery_timeout).ignore_error();  // whatever is left fails in stop()
  impl_->sender->stop();
}

int64_t Producer::producer_id() const { return impl_->sender->producer_id(); }

}  // namespace cairn::client
