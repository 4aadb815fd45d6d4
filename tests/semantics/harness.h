#pragma once

// Shared by the delivery-semantics tests: paths of the example programs, producing a numbered
// set of records, and reading a topic back in full.

#include <map>
#include <string>
#include <vector>

#include "cairn/admin.h"
#include "cairn/consumer.h"
#include "cairn/producer.h"

namespace cairn::testing {

std::string example(const std::string& name);  // path of client/examples/<name>

// Produces values "v<i>" for i in [from, to) with keys "k<i % keys>"; fails the test on error.
void produce_numbered(const std::string& broker, const std::string& topic, int from, int to,
                      int keys);

// Every record of `topic`, per partition in offset order.
std::map<int32_t, std::vector<client::ConsumerRecord>> read_topic(const std::string& broker,
                                                                  const std::string& topic);

// Lines "partition offset value" written by the consumer examples: the values, in file order.
std::vector<std::string> processed_values(const std::string& path);

}  // namespace cairn::testing
