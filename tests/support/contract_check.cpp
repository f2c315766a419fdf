#include "support/contract_check.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

namespace mv::test {
namespace {

// The validator process, fed one exchange per line; closed (and its counts printed) at exit.
class Validator {
 public:
  Validator() {
    int to_child[2];
    int from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      std::string script = std::string(MV_SOURCE_DIR) + "/scripts/openapi_validator.py";
      if (const char* record_dir = std::getenv("MV_CONTRACT_RECORD_DIR")) {
        execl("/usr/bin/python3", "python3", script.c_str(), "--serve", "--record", record_dir,
              nullptr);
      } else {
        execl("/usr/bin/python3", "python3", script.c_str(), "--serve", nullptr);
      }
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    to_ = fdopen(to_child[1], "w");
    from_ = fdopen(from_child[0], "r");
  }
  ~Validator() {
    std::fclose(to_);  // EOF: the validator prints its counts to the test's stderr and exits
    std::fclose(from_);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;

  std::vector<std::string> check(const nlohmann::json& exchange) {
    std::lock_guard lock(mutex_);
    // A fuzzed request line may hold any bytes: replaced, the validator still gets its line.
    auto line = exchange.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fputs(line.c_str(), to_);
    std::fflush(to_);
    std::string answer;
    char chunk[4096];
    while (answer.empty() || answer.back() != '\n') {
      if (!std::fgets(chunk, sizeof chunk, from_)) return {"the validator process ended"};
      answer += chunk;
    }
    return nlohmann::json::parse(answer).at("problems").get<std::vector<std::string>>();
  }

 private:
  pid_t pid_ = -1;
  FILE* to_ = nullptr;
  FILE* from_ = nullptr;
  std::mutex mutex_;
};

std::mutex ports_mutex;
std::set<int>& ports() {
  static std::set<int> registered;
  return registered;
}

// Static initialisation runs on the test's own thread.
const std::thread::id test_thread = std::this_thread::get_id();
std::mutex deferred_mutex;
std::vector<std::string> deferred_failures;  // from other threads, for the test's thread

}  // namespace

void check_contract_on_port(int port) {
  std::lock_guard lock(ports_mutex);
  ports().insert(port);
}

void stop_checking_port(int port) {
  std::lock_guard lock(ports_mutex);
  ports().erase(port);
}

std::vector<std::string> contract_problems(int port, const std::string& method,
                                           const std::string& target, const HttpResult& result) {
  {
    std::lock_guard lock(ports_mutex);
    if (!ports().contains(port)) return {};
  }
  if (result.status == 0) return {};
  static Validator validator;
  return validator.check({{"method", method},
                          {"path", target},
                          {"status", result.status},
                          {"headers", result.headers},
                          {"body", result.body}});
}

void flush_contract_failures() {
  if (std::this_thread::get_id() != test_thread) return;
  std::vector<std::string> failures;
  {
    std::lock_guard lock(deferred_mutex);
    failures.swap(deferred_failures);
  }
  for (const auto& failure : failures) BOOST_ERROR(failure);
}

void check_contract(int port, const std::string& method, const std::string& target,
                    const HttpResult& result) {
  std::vector<std::string> failures;
  for (const auto& problem : contract_problems(port, method, target, result)) {
    failures.push_back("not described by schemas/openapi.yaml: " + method + " " + target + " -> " +
                       std::to_string(result.status) + ": " + problem);
  }
  if (std::this_thread::get_id() != test_thread) {
    std::lock_guard lock(deferred_mutex);
    deferred_failures.insert(deferred_failures.end(), failures.begin(), failures.end());
    return;
  }
  flush_contract_failures();
  for (const auto& failure : failures) BOOST_ERROR(failure);
}

}  // namespace mv::test
