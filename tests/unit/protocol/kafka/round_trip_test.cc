// Every message table at every version it declares: what is encoded decodes to the same
// message, every truncation fails cleanly, and the tables keep the rules the codec relies on.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "protocol/kafka/apis.h"
#include "tests/unit/protocol/kafka/message_filler.h"

namespace cairn::protocol::kafka {
namespace {

constexpr int kSeeds = 6;

template <class M>
std::vector<std::byte> encode_or_fail(const M& m, int16_t version) {
  std::vector<std::byte> out;
  Writer w(out);
  Status s = encode(m, version, w);
  EXPECT_TRUE(s.is_ok()) << M::kApi.name << " v" << version << ": " << s.to_string();
  return out;
}

template <class M>
void expect_round_trips(int16_t version, uint64_t seed, int& differs_from_default) {
  M m = test::filled<M>(version, seed);
  if (!(m == M{})) ++differs_from_default;
  auto bytes = encode_or_fail(m, version);
  EXPECT_EQ(encoded_size(m, version), bytes.size());
  auto back = decode<M>(bytes, version);
  ASSERT_TRUE(back) << M::kApi.name << " v" << version << " seed " << seed << ": "
                    << back.error().to_string();
  EXPECT_TRUE(*back == m) << M::kApi.name << " v" << version << " seed " << seed;
}

TEST(KafkaRoundTrip, EveryVersionOfEveryMessageDecodesToWhatWasEncoded) {
  int checked = 0;
  int filled = 0;
  for_each_api([&](auto api) {
    using Api = decltype(api);
    for (int16_t v = Api::kApi.valid.lo; v <= Api::kApi.valid.hi; ++v) {
      for (uint64_t seed = 0; seed < kSeeds; ++seed) {
        expect_round_trips<typename Api::Request>(v, seed, filled);
        expect_round_trips<typename Api::Response>(v, seed, filled);
        checked += 2;
      }
    }
  });
  EXPECT_GT(checked, 2000);
  EXPECT_GT(filled, checked * 9 / 10) << "the filler leaves too many messages at their defaults";
}

template <class M>
void expect_prefixes_rejected(int16_t version, uint64_t seed) {
  auto bytes = encode_or_fail(test::filled<M>(version, seed), version);
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::vector<std::byte> cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
    ASSERT_FALSE(decode<M>(cut, version)) << M::kApi.name << " v" << version << " cut at " << n;
  }
  bytes.push_back(std::byte{0});
  EXPECT_FALSE(decode<M>(bytes, version)) << M::kApi.name << " v" << version << " trailing byte";
}

TEST(KafkaRoundTrip, EveryTruncationOfEveryMessageFailsCleanly) {
  for_each_api([&](auto api) {
    using Api = decltype(api);
    for (int16_t v = Api::kApi.valid.lo; v <= Api::kApi.valid.hi; ++v) {
      expect_prefixes_rejected<typename Api::Request>(v, 1);
      expect_prefixes_rejected<typename Api::Response>(v, 1);
    }
  });
}

// Walks a table and checks what the codec assumes of it.
class SchemaChecker : public FieldVisitor<SchemaChecker> {
 public:
  SchemaChecker(const ApiSpec& api, std::string where) : api_(api), where_(std::move(where)) {}

  template <class T>
  void field(T& v, const FieldSpec& f) {
    std::string at = where_ + "." + std::string(f.name);
    EXPECT_TRUE(names_.insert(std::string(f.name)).second) << at << " appears twice";
    EXPECT_TRUE(f.versions.lo <= api_.valid.hi && f.versions.hi >= api_.valid.lo)
        << at << " exists in no version";
    constexpr bool kNullableType =
        detail::kIsOptional<T> || std::is_same_v<T, Records>;
    EXPECT_EQ(f.nullable.lo <= f.nullable.hi, kNullableType) << at << " nullability";
    if (f.tagged()) {
      EXPECT_GE(f.versions.lo, api_.flexible_from) << at << " is tagged in a non-flexible version";
      EXPECT_GT(f.tag, last_tag_) << at << ": tags must ascend";
      last_tag_ = f.tag;
    }
    if constexpr (detail::kIsVector<T>) {
      check_elements<typename T::value_type>(f, at);
    } else if constexpr (detail::kIsOptionalVector<T>) {
      check_elements<typename T::value_type::value_type>(f, at);
    } else if constexpr (Struct<T>) {
      SchemaChecker inner(api_, at);
      v.fields(inner);
    }
  }

  size_t worst_ratio() const { return worst_ratio_; }

 private:
  template <class E>
  void check_elements(const FieldSpec& f, const std::string& at) {
    for (int16_t v = std::max(f.versions.lo, api_.valid.lo);
         v <= std::min(f.versions.hi, api_.valid.hi); ++v) {
      size_t min = detail::min_element_size<E>({v, api_.is_flexible(v)});
      worst_ratio_ = std::max(worst_ratio_, (sizeof(E) + min - 1) / min);
    }
    if constexpr (Struct<E>) {
      E e{};
      SchemaChecker inner(api_, at + "[]");
      e.fields(inner);
      worst_ratio_ = std::max(worst_ratio_, inner.worst_ratio_);
    }
  }

  const ApiSpec& api_;
  std::string where_;
  std::set<std::string> names_;
  int32_t last_tag_ = -1;
  size_t worst_ratio_ = 0;
};

TEST(KafkaSchema, TablesKeepTheRulesTheCodecReliesOn) {
  for_each_api([&](auto api) {
    using Api = decltype(api);
    typename Api::Request request{};
    SchemaChecker a(Api::kApi, std::string(Api::kApi.name) + "Request");
    request.fields(a);
    typename Api::Response response{};
    SchemaChecker b(Api::kApi, std::string(Api::kApi.name) + "Response");
    response.fields(b);
  });
}

// A decoded array costs at most this many bytes of memory per byte of input (sizeof of the
// element over its smallest encoding), so a decoded message stays a small multiple of its
// frame whatever counts the frame claims.
TEST(KafkaSchema, AnArrayElementCostsABoundedMultipleOfItsSmallestEncoding) {
  size_t worst = 0;
  for_each_api([&](auto api) {
    using Api = decltype(api);
    typename Api::Request request{};
    SchemaChecker a(Api::kApi, "request");
    request.fields(a);
    typename Api::Response response{};
    SchemaChecker b(Api::kApi, "response");
    response.fields(b);
    worst = std::max({worst, a.worst_ratio(), b.worst_ratio()});
  });
  EXPECT_LE(worst, 64u);
}

// Checks that every tagged field of a default-built message holds its default.
class TaggedDefaults : public FieldVisitor<TaggedDefaults> {
 public:
  TaggedDefaults(int16_t version, std::string where) : version_(version), where_(where) {}
  template <class T>
  void field(T& v, const FieldSpec& f) {
    if (!f.versions.has(version_)) return;
    if (f.tagged()) {
      EXPECT_TRUE(detail::BodyWriter<SizeCounter>::is_default(v, f))
          << where_ << "." << f.name << " v" << version_
          << ": its initializer and its Tag default disagree";
    }
    if constexpr (Struct<T>) {
      TaggedDefaults inner(version_, where_ + "." + std::string(f.name));
      v.fields(inner);
    }
  }

 private:
  int16_t version_;
  std::string where_;
};

template <class M>
void expect_default_round_trips(int16_t version) {
  M m{};
  TaggedDefaults check(version, std::string(M::kApi.name));
  m.fields(check);
  auto back = decode<M>(encode_or_fail(m, version), version);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_TRUE(*back == m) << M::kApi.name << " v" << version;
}

TEST(KafkaSchema, DefaultMessagesWriteNoTaggedFieldsAndRoundTrip) {
  for_each_api([&](auto api) {
    using Api = decltype(api);
    for (int16_t v = Api::kApi.valid.lo; v <= Api::kApi.valid.hi; ++v) {
      expect_default_round_trips<typename Api::Request>(v);
      expect_default_round_trips<typename Api::Response>(v);
    }
  });
}

}  // namespace
}  // namespace cairn::protocol::kafka
