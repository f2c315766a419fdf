#include "store/redis_client.h"

#include <hiredis/hiredis.h>

#include "store/store_unavailable.h"

namespace mv::store {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

RedisReply copy_reply(const redisReply* raw) {
  RedisReply reply;
  switch (raw->type) {
    case REDIS_REPLY_STRING:
      reply.type = RedisReply::Type::string;
      break;
    case REDIS_REPLY_STATUS:
      reply.type = RedisReply::Type::status;
      break;
    case REDIS_REPLY_ERROR:
      reply.type = RedisReply::Type::error;
      break;
    case REDIS_REPLY_INTEGER:
      reply.type = RedisReply::Type::integer;
      break;
    case REDIS_REPLY_ARRAY:
      reply.type = RedisReply::Type::array;
      break;
    default:
      reply.type = RedisReply::Type::nil;
      break;
  }
  if (raw->str != nullptr) reply.text.assign(raw->str, raw->len);
  reply.integer = raw->integer;
  reply.elements.reserve(raw->elements);
  for (std::size_t i = 0; i < raw->elements; ++i)
    reply.elements.push_back(copy_reply(raw->element[i]));
  return reply;
}

struct ReplyDeleter {
  void operator()(void* reply) const { freeReplyObject(reply); }
};

}  // namespace

void RedisConnection::ContextDeleter::operator()(redisContext* context) const {
  redisFree(context);
}

RedisConnection::RedisConnection(const RedisEndpoint& endpoint, std::atomic<std::uint64_t>& errors)
    : context_(redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port,
                                       to_timeval(endpoint.connect_timeout))),
      errors_(&errors) {
  if (!context_) fail("cannot allocate a Redis context");
  if (context_->err != 0) fail(std::string("cannot connect to Redis: ") + context_->errstr);
  if (redisSetTimeout(context_.get(), to_timeval(endpoint.command_timeout)) != REDIS_OK) {
    fail("cannot set the Redis command timeout");
  }
  redisEnableKeepAlive(context_.get());
  if (!endpoint.password.empty()) {
    RedisCommand auth{"AUTH"};
    if (!endpoint.username.empty()) auth.push_back(endpoint.username);
    auth.push_back(endpoint.password);
    // The error reply (WRONGPASS, NOPERM) names no password; pipeline() throws it.
    command(auth);
  }
  if (endpoint.db != 0) {
    auto reply = command({"SELECT", std::to_string(endpoint.db)});
    if (reply.type == RedisReply::Type::error) fail("cannot select Redis database: " + reply.text);
  }
}

RedisConnection::RedisConnection(RedisConnection&&) noexcept = default;
RedisConnection& RedisConnection::operator=(RedisConnection&&) noexcept = default;
RedisConnection::~RedisConnection() = default;

void RedisConnection::fail(const std::string& what) {
  broken_ = true;
  errors_->fetch_add(1, std::memory_order_relaxed);
  throw StoreUnavailable(what);
}

RedisReply RedisConnection::command(const RedisCommand& args) { return pipeline({args}).front(); }

std::vector<RedisReply> RedisConnection::pipeline(const std::vector<RedisCommand>& commands) {
  if (broken_) fail("Redis connection is broken");
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& args : commands) {
    argv.clear();
    lengths.clear();
    for (const auto& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      fail(std::string("Redis write failed: ") + context_->errstr);
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_.get(), &raw) != REDIS_OK || raw == nullptr) {
      fail(std::string("Redis read failed: ") + context_->errstr);
    }
    std::unique_ptr<void, ReplyDeleter> owned(raw);
    replies.push_back(copy_reply(static_cast<const redisReply*>(raw)));
  }
  // An error reply (LOADING, READONLY, OOM, MISCONF, WRONGTYPE...) means Redis cannot serve us
  // now. NOSCRIPT is the one expected error: the caller answers it by sending the script.
  for (const auto& reply : replies) {
    if (reply.type == RedisReply::Type::error && !reply.text.starts_with("NOSCRIPT")) {
      errors_->fetch_add(1, std::memory_order_relaxed);
      throw StoreUnavailable("Redis answered with an error: " + reply.text.substr(0, 80));
    }
  }
  return replies;
}

RedisPool::RedisPool(RedisEndpoint endpoint, std::size_t size)
    : endpoint_(std::move(endpoint)), size_(size == 0 ? 1 : size) {}

RedisPool::Lease RedisPool::acquire() {
  std::unique_lock lock(mutex_);
  if (!freed_.wait_for(lock, endpoint_.command_timeout,
                       [&] { return !idle_.empty() || leased_ < size_; })) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    throw StoreUnavailable("no free Redis connection in the pool");
  }
  ++leased_;
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(connection));
  }
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<RedisConnection>(endpoint_, errors_));
  } catch (...) {
    give_back(nullptr);
    throw;
  }
}

void RedisPool::give_back(std::unique_ptr<RedisConnection> connection) {
  {
    std::lock_guard lock(mutex_);
    --leased_;
    if (connection && connection->broken()) {
      // After a Redis restart every idle connection is dead too: drop them all at once so only
      // one request, not one per pooled connection, pays for finding out.
      idle_.clear();
    } else if (connection) {
      idle_.push_back(std::move(connection));
    }
  }
  freed_.notify_one();
}

std::vector<std::string> scan_keys(RedisPool& pool, const std::string& pattern) {
  std::vector<std::string> found;
  std::string cursor = "0";
  do {
    auto reply = pool.command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    cursor = reply.elements.at(0).text;
    for (const auto& key : reply.elements.at(1).elements) found.push_back(key.text);
  } while (cursor != "0");
  return found;
}

std::map<std::string, std::string> to_field_map(const RedisReply& reply) {
  std::map<std::string, std::string> fields;
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    fields.emplace(reply.elements[i].text, reply.elements[i + 1].text);
  }
  return fields;
}

}  // namespace mv::store
