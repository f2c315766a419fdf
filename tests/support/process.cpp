#include "support/process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace mv::test {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path,
                           bool own_group) {
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("cannot start " + argv[0]);
  if (pid_ == 0) {
    // Dies with the test binary, even when a sanitizer aborts it before any destructor runs
    // (a leftover Kamailio would keep a SIP port and take the next run's traffic).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (own_group) setpgid(0, 0);
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int null = open("/dev/null", O_RDONLY);
    if (log < 0 || null < 0) _exit(126);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    dup2(null, STDIN_FILENO);
    execvp(args[0], args.data());
    _exit(127);
  }
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) stop(SIGKILL);
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) stop(SIGTERM);
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int ChildProcess::stop(int signal, std::chrono::milliseconds grace) {
  if (pid_ <= 0) return 0;
  kill(pid_, signal);
  auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return status;
}

void ChildProcess::kill_group(int signal) {
  if (pid_ <= 0) return;
  pid_t group = pid_;
  kill(-group, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  // The forked workers are not our children: wait until none of the group is left (and so none
  // holds a socket the next instance needs).
  wait_until([&] { return kill(-group, 0) != 0 && errno == ESRCH; }, std::chrono::seconds(10));
}

int ChildProcess::wait_exit(std::chrono::milliseconds limit) {
  if (pid_ <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      stop(SIGKILL);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string run_and_capture(const std::vector<std::string>& argv) {
  std::string command;
  for (const auto& arg : argv) {
    std::string quoted;
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += "'" + quoted + "' ";
  }
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + argv[0]);
  std::string output;
  std::array<char, 4096> buffer{};
  while (auto n = fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  int status = pclose(pipe);
  if (status != 0) throw std::runtime_error(command + "failed: " + output);
  return output;
}

namespace {

// True when a socket of `type` can bind `port` on 127.0.0.1 now.
bool port_bindable(int type, int port) {
  int fd = socket(AF_INET, type, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  bool bindable = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return bindable;
}

// The kernel hands ports of this range to every outgoing connection and to bind(port 0); a
// listener started (or restarted) on a port from it can find it taken.
std::pair<int, int> ephemeral_port_range() {
  std::ifstream file("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768, high = 60999;
  file >> low >> high;
  return {low, high};
}

}  // namespace

int reserve_port() {
  // Ports below the ephemeral range; suites run in parallel, so each port is claimed with an
  // flock on a file named after it, held (close-on-exec) until this test process exits.
  constexpr int kLowest = 10000;
  auto [ephemeral_low, ephemeral_high] = ephemeral_port_range();
  std::vector<int> candidates;
  for (int port = kLowest; port < 65536; ++port) {
    if (port < ephemeral_low || port > ephemeral_high) candidates.push_back(port);
  }
  if (candidates.empty()) throw std::runtime_error("no port outside the ephemeral range");
  std::filesystem::path lock_dir = "/tmp/mv-test-ports";
  std::error_code ignored;
  std::filesystem::create_directories(lock_dir, ignored);
  std::filesystem::permissions(lock_dir, std::filesystem::perms::all, ignored);
  std::mt19937 random{std::random_device{}()};
  auto start = std::uniform_int_distribution<size_t>(0, candidates.size() - 1)(random);
  for (size_t i = 0; i < candidates.size(); ++i) {
    int port = candidates[(start + i) % candidates.size()];
    auto lock_path = lock_dir / std::to_string(port);
    int lock = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (lock < 0) continue;
    if (flock(lock, LOCK_EX | LOCK_NB) != 0 || !port_bindable(SOCK_STREAM, port) ||
        udp_port_bound(port)) {
      close(lock);
      continue;
    }
    return port;  // `lock` stays open: the claim lasts as long as this process.
  }
  throw std::runtime_error("no free port to reserve");
}

bool udp_port_bound(int port) { return !port_bindable(SOCK_DGRAM, port); }

TempDir::TempDir() {
  std::string pattern = "/tmp/mv-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

bool wait_until(const std::function<bool()>& ready, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ready();
}

}  // namespace mv::test
