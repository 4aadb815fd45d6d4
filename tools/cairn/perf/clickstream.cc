#include "tools/cairn/perf/clickstream.h"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace cairn::tools::perf {

namespace {

constexpr std::array<std::string_view, 6> kEvents = {"page_view", "page_view",   "click",
                                                     "search",    "add_to_cart", "purchase"};
constexpr std::array<std::string_view, 8> kPages = {
    "/",       "/products", "/products/{}", "/category/{}",
    "/search", "/cart",     "/checkout",    "/account/orders"};
constexpr std::array<std::string_view, 5> kReferrers = {"https://www.google.com/",
                                                        "https://www.bing.com/", "https://t.co/",
                                                        "", "https://shop.example.com/"};
constexpr std::array<std::string_view, 5> kAgents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Version/18.0 Safari/605",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari"};
constexpr std::array<std::string_view, 8> kCities = {"DE/Berlin",    "FR/Paris",  "US/Austin",
                                                     "US/Seattle",   "GB/London", "JP/Tokyo",
                                                     "BR/Sao Paulo", "IN/Pune"};
constexpr std::array<std::string_view, 3> kDevices = {"desktop", "mobile", "tablet"};

}  // namespace

std::string ClickstreamGenerator::next() {
  clock_ms_ += static_cast<int64_t>(pick(40));
  std::string_view event = kEvents[pick(kEvents.size())];
  std::string page = fmt::format(fmt::runtime(kPages[pick(kPages.size())]), pick(5000));
  std::string_view city = kCities[pick(kCities.size())];
  std::string out = fmt::format(
      R"({{"event_id":"{:016x}-{:04x}","ts":{},"type":"{}","user_id":"u{:07d}",)"
      R"("session_id":"s{:010x}","page":"{}","referrer":"{}","ua":"{}",)"
      R"("geo":{{"country":"{}","city":"{}"}},"device":"{}","screen":"{}x{}")",
      rng_(), sequence_++ & 0xffff, clock_ms_, event, pick(250000), pick(1ull << 36), page,
      kReferrers[pick(kReferrers.size())], kAgents[pick(kAgents.size())], city.substr(0, 2),
      city.substr(3), kDevices[pick(kDevices.size())], 360 + pick(2200), 640 + pick(800));
  if (event == "add_to_cart" || event == "purchase") {
    out += fmt::format(R"(,"product":{{"sku":"SKU-{:06d}","price":{}.{:02d},"qty":{}}})",
                       pick(200000), 1 + pick(400), pick(100), 1 + pick(3));
  } else if (event == "search") {
    out += fmt::format(R"(,"query":"item {}","results":{})", pick(1000), pick(200));
  }
  out += "}";
  return out;
}

std::vector<std::string> ClickstreamGenerator::pool(size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(next());
  return out;
}

}  // namespace cairn::tools::perf
