#include "tools/cairn/offline_store.h"

#include <filesystem>

#include "tools/cairn/common.h"

namespace cairn::tools {

std::unique_ptr<broker::security::OfflineSecurityStore> open_offline_store(const std::string& data_dir,
                                                                           DataDir mode) {
  std::error_code ec;
  if (mode == DataDir::kMustExist && !std::filesystem::is_directory(data_dir, ec)) {
    throw CliError(kExitNotFound, "no data directory " + data_dir);
  }
  auto store = broker::security::OfflineSecurityStore::open(data_dir);
  if (!store) throw CliError(kExitError, store.error().message());
  return std::move(*store);
}

void close_offline_store(broker::security::OfflineSecurityStore& store) {
  Status s = store.close();
  if (!s.is_ok()) throw CliError(kExitError, "closing the security log: " + s.message());
}

}  // namespace cairn::tools
