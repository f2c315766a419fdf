#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct redisContext;

namespace mv::store {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  // Redis ACL user: with a password every connection starts with AUTH (AUTH <username>
  // <password>, or the one-argument form for the `default` user when no username is set).
  std::string username;
  std::string password;
  std::chrono::milliseconds connect_timeout{200};
  std::chrono::milliseconds command_timeout{500};
};

// An owned copy of a Redis reply.
struct RedisReply {
  enum class Type { string, array, integer, nil, status, error };
  Type type = Type::nil;
  std::string text;  // string, status and error replies
  long long integer = 0;
  std::vector<RedisReply> elements;

  bool is_nil() const { return type == Type::nil; }
};

using RedisCommand = std::vector<std::string>;

// One hiredis connection. Any I/O error or timeout throws StoreUnavailable and leaves the
// connection broken(); the pool then drops it and the next lease reconnects. An error reply
// other than NOSCRIPT also throws StoreUnavailable (the connection stays usable). Each such
// failure is counted in `errors`.
class RedisConnection {
 public:
  RedisConnection(const RedisEndpoint& endpoint, std::atomic<std::uint64_t>& errors);
  RedisConnection(RedisConnection&&) noexcept;
  RedisConnection& operator=(RedisConnection&&) noexcept;
  ~RedisConnection();

  RedisReply command(const RedisCommand& args);
  // Sends every command before reading any reply: one round trip.
  std::vector<RedisReply> pipeline(const std::vector<RedisCommand>& commands);
  bool broken() const { return broken_; }

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const;
  };
  [[noreturn]] void fail(const std::string& what);

  std::unique_ptr<redisContext, ContextDeleter> context_;
  std::atomic<std::uint64_t>* errors_;
  bool broken_ = false;
};

// A bounded pool of connections. Waiting for a free connection is bounded by the command timeout.
class RedisPool {
 public:
  RedisPool(RedisEndpoint endpoint, std::size_t size);

  class Lease {
   public:
    Lease(RedisPool& pool, std::unique_ptr<RedisConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(std::move(connection_)); }
    RedisConnection* operator->() { return connection_.get(); }

   private:
    RedisPool& pool_;
    std::unique_ptr<RedisConnection> connection_;
  };

  Lease acquire();
  RedisReply command(const RedisCommand& args) { return acquire()->command(args); }
  const RedisEndpoint& endpoint() const { return endpoint_; }
  // Commands that failed so far (StoreUnavailable thrown), for the metrics.
  std::uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

 private:
  void give_back(std::unique_ptr<RedisConnection> connection);

  RedisEndpoint endpoint_;
  std::size_t size_;
  std::size_t leased_ = 0;
  std::atomic<std::uint64_t> errors_{0};
  std::vector<std::unique_ptr<RedisConnection>> idle_;
  std::mutex mutex_;
  std::condition_variable freed_;
};

// Every key matching `pattern`, by SCAN in batches (never a blocking KEYS).
std::vector<std::string> scan_keys(RedisPool& pool, const std::string& pattern);
// An HGETALL reply as field -> value.
std::map<std::string, std::string> to_field_map(const RedisReply& reply);

}  // namespace mv::store
