#include "support/contract_check.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <set>
#include <stdexcept>

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
      execl("/usr/bin/python3", "python3", script.c_str(), "--serve", nullptr);
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
    auto line = exchange.dump() + "\n";
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

}  // namespace mv::test
