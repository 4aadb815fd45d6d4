#include "broker/metrics/catalogue.h"

namespace cairn::broker::metrics::catalogue {

const Descriptor* find(std::string_view name) {
  for (const Descriptor* d : kAll) {
    if (d->name == name) return d;
  }
  return nullptr;
}

}  // namespace cairn::broker::metrics::catalogue
